using Runlens.Model;

namespace Runlens.Import.Tabular;

/// <summary>
/// Normalised keys for a file's metric columns, given in column order so the first column keeps a contested key
/// (<c>train_loss</c> before <c>train_loss_step</c> in Lightning's sorted header); a later column whose key is taken keeps its
/// original name, then <c>#2</c>, <c>#3</c>… as <see cref="SeriesCollector"/> does.
/// </summary>
internal static class ColumnKeys
{
    public static Dictionary<string, string> Assign(IEnumerable<string> names, string? bareSplit)
    {
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (byName.ContainsKey(name))
            {
                continue;
            }

            var key = MetricNames.Normalize(name, bareSplit);
            if (key.Length == 0 || taken.Contains(key))
            {
                key = name.Length == 0 ? "(unnamed)" : name;
            }

            var baseKey = key;
            var n = 2;
            while (taken.Contains(key))
            {
                key = baseKey + "#" + n++.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            taken.Add(key);
            byName[name] = key;
        }

        return byName;
    }
}
