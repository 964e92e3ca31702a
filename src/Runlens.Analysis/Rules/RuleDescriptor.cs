using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules;

/// <summary>A rule's stable identity and what it needs. Built through <see cref="Create"/> so every rule is described alike.</summary>
public sealed record RuleDescriptor
{
    private RuleDescriptor(string id, string slug, string title, RuleCategory category, Severity defaultSeverity,
        ImmutableArray<Signal> requires, ImmutableArray<Type> evidence, ImmutableArray<RuleOption> options)
    {
        Id = id;
        Slug = slug;
        Title = title;
        Category = category;
        DefaultSeverity = defaultSeverity;
        Requires = requires;
        Evidence = evidence;
        Options = options;
    }

    /// <summary><c>RL</c> + four digits; the first two digits are the category.</summary>
    public string Id { get; }

    /// <summary>Kebab-case name; the contract in JSON output.</summary>
    public string Slug { get; }

    public string Title { get; }

    public RuleCategory Category { get; }

    public Severity DefaultSeverity { get; }

    /// <summary>Signals without which the rule is blocked (reported under coverage, never guessed).</summary>
    public ImmutableArray<Signal> Requires { get; }

    /// <summary>The evidence records the rule's findings carry (sealed subclasses of <see cref="Findings.Evidence"/>), each
    /// documented field by field on the rule's page.</summary>
    public ImmutableArray<Type> Evidence { get; }

    public ImmutableArray<RuleOption> Options { get; }

    /// <summary>Path of the rule's documentation page, relative to the repository root.</summary>
    public string DocsPath => $"docs/rules/{Id}.md";

    public static RuleDescriptor Create(string id, string slug, string title, RuleCategory category, Severity defaultSeverity,
        Signal[] requires, Type[] evidence, params RuleOption[] options)
    {
        if (id.Length != 6 || !id.StartsWith("RL", StringComparison.Ordinal) || !id[2..].All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"rule id '{id}' is not RL + four digits", nameof(id));
        }

        if (int.Parse(id.AsSpan(2, 2), System.Globalization.CultureInfo.InvariantCulture) != (int)category)
        {
            throw new ArgumentException($"rule id '{id}' does not match category {category}", nameof(id));
        }

        if (evidence.Length == 0)
        {
            throw new ArgumentException($"rule {id} declares no evidence record", nameof(evidence));
        }

        foreach (var type in evidence)
        {
            if (!type.IsSealed || !type.IsSubclassOf(typeof(Findings.Evidence)) || type == typeof(NoEvidence))
            {
                throw new ArgumentException($"rule {id}: evidence type {type.Name} is not a sealed rule evidence record", nameof(evidence));
            }
        }

        return new RuleDescriptor(id, slug, title, category, defaultSeverity, [.. requires], [.. evidence], [.. options]);
    }
}
