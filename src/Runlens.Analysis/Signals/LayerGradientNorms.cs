using System.Globalization;
using System.Text.RegularExpressions;
using Runlens.Model;

namespace Runlens.Analysis.Signals;

/// <summary>
/// Per-layer gradient norms as Lightning's <c>grad_norm(module, norm_type=2)</c> logs them
/// (<c>grad_2.0_norm/net.0.weight</c>, one series per parameter, beside <c>grad_2.0_norm_total</c>): the weight
/// matrices' series in the order of their parameter names with numbered layers in numeric order (<c>net.2</c> before
/// <c>net.10</c>), so the first is the layer nearest the input and the last the one nearest the output.
/// </summary>
public static partial class LayerGradientNorms
{
    /// <summary>The per-layer weight-gradient norm series, first layer first; empty when fewer than two are logged.</summary>
    public static IReadOnlyList<Series> Of(Run run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var layers = new List<(string Parameter, Series Series)>();
        foreach (var s in run.Series.Values)
        {
            if (PerParameter().Match(s.OriginalName) is { Success: true } m && m.Groups[1].Value.EndsWith("weight", StringComparison.Ordinal))
            {
                layers.Add((m.Groups[1].Value, s));
            }
        }

        if (layers.Count < 2)
        {
            return [];
        }

        layers.Sort((a, b) => CompareNames(a.Parameter, b.Parameter));
        return [.. layers.Select(l => l.Series)];
    }

    /// <summary>Parameter names compared part by part (split at dots): numbers as numbers, the rest ordinally.</summary>
    public static int CompareNames(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var pa = a.Split('.');
        var pb = b.Split('.');
        for (var i = 0; i < Math.Min(pa.Length, pb.Length); i++)
        {
            var c = long.TryParse(pa[i], NumberStyles.None, CultureInfo.InvariantCulture, out var na)
                && long.TryParse(pb[i], NumberStyles.None, CultureInfo.InvariantCulture, out var nb)
                ? na.CompareTo(nb)
                : string.CompareOrdinal(pa[i], pb[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return pa.Length.CompareTo(pb.Length);
    }

    [GeneratedRegex(@"^(?:train[/_])?grad_(?:[0-9.]+|inf)_norm/(.+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PerParameter();
}
