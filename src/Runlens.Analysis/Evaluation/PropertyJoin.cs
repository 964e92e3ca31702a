using System.Collections.Immutable;
using Runlens.Model.Predictions;

namespace Runlens.Analysis.Evaluation;

/// <summary>
/// Joins predictions with per-example properties (a data audit's measures) and adds them as slice columns, so the slice
/// rules compare, say, blurred and sharp images. An example is matched by its <c>example_id</c> against the property's
/// id, then its path, then the longest path ending with it, then a unique file name; unmatched examples get an empty
/// value (skipped by the slice rules, and counted).
/// </summary>
public static class PropertyJoin
{
    public static PropertyJoinResult Join(PredictionSet set, IReadOnlyList<ExampleProperties> properties)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(properties);
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        var ambiguousNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < properties.Count; i++)
        {
            byId.TryAdd(Normal(properties[i].Id), i);
            byId.TryAdd(Normal(properties[i].Path), i);
            var name = System.IO.Path.GetFileName(properties[i].Path);
            if (!byName.TryAdd(name, i))
            {
                ambiguousNames.Add(name);
            }
        }

        var columns = properties.SelectMany(p => p.Slices.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray();
        var values = columns.ToDictionary(c => c, _ => new string[set.Count], StringComparer.Ordinal);
        var matched = 0;
        for (var e = 0; e < set.Count; e++)
        {
            var id = Normal(set.ExampleIds[e]);
            var found = byId.TryGetValue(id, out var i) ? i
                : properties.Select((p, k) => (p, k)).Where(x => Normal(x.p.Path).EndsWith("/" + id, StringComparison.Ordinal)).Select(x => (int?)x.k).FirstOrDefault()
                ?? (byName.TryGetValue(System.IO.Path.GetFileName(id), out var n) && !ambiguousNames.Contains(System.IO.Path.GetFileName(id)) ? n : -1);
            if (found >= 0)
            {
                matched++;
            }

            foreach (var c in columns)
            {
                values[c][e] = found >= 0 && properties[found].Slices.TryGetValue(c, out var v) ? v : "";
            }
        }

        var added = columns.Where(c => set.Slice(c) is null).ToImmutableArray();
        var joined = set with { Slices = [.. set.Slices, .. added.Select(c => new SliceColumn(c, [.. values[c]]))] };
        return new PropertyJoinResult(joined, added, matched, set.Count - matched);
    }

    private static string Normal(string path) => path.Replace('\\', '/').TrimStart('.', '/');
}
