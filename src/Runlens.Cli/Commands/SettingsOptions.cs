using System.CommandLine;
using Runlens.Analysis.Rules;
using Runlens.Pipeline.Settings;

namespace Runlens.Cli.Commands;

/// <summary><c>--config FILE</c> and <c>--set rule.option=value</c>: the rule options, loaded by the pipeline's one policy
/// (<see cref="SettingsLoader"/>) in every command that diagnoses.</summary>
internal sealed class SettingsOptions
{
    public Option<string?> Config { get; } = new("--config") { Description = $"Rule options file (default: ./{RuleSettingsFile.DefaultName} when present); --set wins over it" };

    public Option<string[]> Set { get; } = new("--set") { Description = "Override a rule option, e.g. --set overfitting.min_rise=0.1 (repeatable)", AllowMultipleArgumentsPerToken = false };

    public void AddTo(Command command)
    {
        command.Options.Add(Set);
        command.Options.Add(Config);
    }

    /// <summary>The options, or null after one line on stderr naming the file and line (or <c>--set</c>) and the cause.</summary>
    public PipelineSettings? LoadOrReport(ParseResult parse)
    {
        try
        {
            return SettingsLoader.Load(parse.GetValue(Config), parse.GetValue(Set) ?? []);
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine("runlens: " + ex.Message);
            return null;
        }
    }
}
