using Runlens.Analysis.Rules;

namespace Runlens.Pipeline.Settings;

/// <summary>
/// The one policy for rule options, the same in every host (<c>analyze</c>, <c>compare</c>, <c>impact</c>, <c>serve</c>,
/// <c>mcp</c>, <c>run</c>, <c>watch</c>): the file given with <c>--config FILE</c>, else <c>runlens.yaml</c> in the working
/// folder when there is one, then each <c>--set rule.option=value</c> in order (a later value wins over the file and
/// over an earlier one). Every option is checked against the rule catalogue.
/// </summary>
public static class SettingsLoader
{
    /// <param name="configFile">The <c>--config</c> file, or null to look for <see cref="RuleSettingsFile.DefaultName"/>.</param>
    /// <param name="sets">The <c>--set</c> assignments, in order.</param>
    /// <param name="workingFolder">Where <c>runlens.yaml</c> is looked for (default: the current directory).</param>
    /// <exception cref="FormatException">One line naming the file and line (or <c>--set</c>), the cause and the choices.</exception>
    public static PipelineSettings Load(string? configFile, IReadOnlyList<string>? sets = null, string? workingFolder = null)
    {
        if (configFile is not null && !System.IO.File.Exists(configFile))
        {
            throw new FormatException($"{configFile}: no such options file; give an existing YAML file to --config (see `runlens rules` for the options)");
        }

        var implicitFile = Path.Combine(workingFolder ?? Environment.CurrentDirectory, RuleSettingsFile.DefaultName);
        var file = configFile ?? (System.IO.File.Exists(implicitFile) ? (workingFolder is null ? RuleSettingsFile.DefaultName : implicitFile) : null);
        var fromFile = file is null ? [] : RuleSettingsFile.Read(file);
        if (fromFile.Count == 0 && (sets is null || sets.Count == 0))
        {
            // Nothing to parse: the defaults, without building an options table (JIT-compiled at every start otherwise).
            return file is null ? PipelineSettings.Default : new PipelineSettings(RuleSettings.Default, file);
        }

        var rules = RuleSettings.Parse([.. fromFile, .. (sets ?? []).Select(a => ("--set", a))], RuleCatalog.All);
        return new PipelineSettings(rules, file);
    }
}
