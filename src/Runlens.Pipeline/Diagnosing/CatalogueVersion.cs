using System.Security.Cryptography;
using System.Text;
using Runlens.Analysis.Rules;

namespace Runlens.Pipeline.Diagnosing;

/// <summary>
/// The version of the rule catalogue: a hash of every rule's id, slug and options with their defaults, and of the build
/// of the rules' code (the module version id, the same for the same source in a deterministic build). A diagnosis kept
/// with a run — in memory, or the runs table's summary kept in the store — is used again only under the same version,
/// so a new release never shows findings the old rules made.
/// </summary>
public static class CatalogueVersion
{
    private static readonly Lazy<string> Value = new(Compute);

    public static string Current => Value.Value;

    private static string Compute()
    {
        var text = new StringBuilder(typeof(RuleCatalog).Assembly.ManifestModule.ModuleVersionId.ToString("N"));
        foreach (var rule in RuleCatalog.All)
        {
            var d = rule.Descriptor;
            text.Append('\n').Append(d.Id).Append(' ').Append(d.Slug);
            foreach (var o in d.Options)
            {
                text.Append(' ').Append(o.Name).Append('=').Append(o.Default.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
