using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules;

/// <summary>What a rule sees: the run (through <see cref="RunView"/>) and its option values.</summary>
public sealed class RuleContext
{
    private readonly RuleDescriptor _descriptor;
    private readonly RuleSettings _settings;

    public RuleContext(RunView run, RuleDescriptor descriptor, RuleSettings settings)
    {
        Run = run;
        _descriptor = descriptor;
        _settings = settings;
    }

    public RunView Run { get; }

    /// <summary>The other rules' coverage; set only for <see cref="IUsesCoverage"/> rules.</summary>
    public CoverageView? Coverage { get; init; }

    /// <summary>The value of one of the rule's declared options.</summary>
    public double Option(string name)
    {
        var option = _descriptor.Options.FirstOrDefault(o => o.Name == name)
            ?? throw new InvalidOperationException($"rule {_descriptor.Slug} reads undeclared option '{name}'");
        return _settings.Values.TryGetValue(_descriptor.Slug + "." + name, out var v) ? v : option.Default;
    }

    /// <summary>Starts a finding with the rule's id and slug filled in. The evidence must be one of the records the rule
    /// declares (<see cref="RuleDescriptor.Evidence"/>).</summary>
    public Finding Finding(Severity severity, double confidence, string title, Evidence evidence, IEnumerable<long> steps,
        IEnumerable<Recommendation> recommendations, string? rootCause = null, params string[] series)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        if (!_descriptor.Evidence.Contains(evidence.GetType()))
        {
            throw new InvalidOperationException($"rule {_descriptor.Slug} returns evidence {evidence.GetType().Name}, which it does not declare");
        }

        return new(_descriptor.Id, _descriptor.Slug, severity, Math.Clamp(confidence, 0, 1), title, evidence, [.. steps],
            [.. recommendations], rootCause, [.. series]);
    }
}
