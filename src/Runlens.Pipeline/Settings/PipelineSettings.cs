using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Runlens.Analysis.Rules;

namespace Runlens.Pipeline.Settings;

/// <summary>The rule options every host diagnoses with, and where they came from.</summary>
/// <param name="Rules">The options that differ from the rules' defaults, by <c>slug.option</c>.</param>
/// <param name="File">The options file they were read from (<c>runlens.yaml</c> or <c>--config FILE</c>), or null.</param>
public sealed record PipelineSettings(RuleSettings Rules, string? File = null)
{
    public static PipelineSettings Default { get; } = new(RuleSettings.Default);

    /// <summary>A short hash of the option values (not of where they came from): two hosts with the same options have
    /// the same hash, so a diagnosis cached under one is valid for the other. Computed when asked (only the stored
    /// diagnoses' cache asks): a command that diagnoses a log does not load the hashing machinery at start-up.</summary>
    public string Hash => HashOf(Rules);

    private static string HashOf(RuleSettings rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var text = string.Join('\n', rules.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => kv.Key + "=" + kv.Value.ToString("R", CultureInfo.InvariantCulture)));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
