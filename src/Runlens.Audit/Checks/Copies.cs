using Runlens.Audit.Hashing;

namespace Runlens.Audit.Checks;

/// <summary>Edges between examples with the same or nearly the same content (same SHA-256, or perceptual/text hashes
/// within a distance), shared by the copy checks.</summary>
internal static class Copies
{
    /// <summary>Every pair (i &lt; j) with the same bytes (distance 0) or near hashes (their distance), each pair once.</summary>
    public static List<(int I, int J, int Distance, bool Exact)> Edges(AuditData data, int imageDistance, int textDistance)
    {
        var edges = new Dictionary<(int, int), (int Distance, bool Exact)>();
        foreach (var group in data.ExactGroups())
        {
            for (var a = 0; a < group.Count; a++)
            {
                for (var b = a + 1; b < group.Count; b++)
                {
                    edges[(group[a], group[b])] = (0, true);
                }
            }
        }

        foreach (var (i, j, d) in data.NearImagePairs(imageDistance).Concat(data.NearTextPairs(textDistance)))
        {
            edges.TryAdd((i, j), (d, false));
        }

        return [.. edges.OrderBy(e => e.Key).Select(e => (e.Key.Item1, e.Key.Item2, e.Value.Distance, e.Value.Exact))];
    }

    /// <summary>Groups (two or more members, each group sorted, groups by first member) of the edges' connected components.</summary>
    public static List<List<int>> Groups(int n, IEnumerable<(int I, int J)> edges)
    {
        var sets = new UnionFind(n);
        var touched = new HashSet<int>();
        foreach (var (i, j) in edges)
        {
            sets.Union(i, j);
            touched.Add(i);
            touched.Add(j);
        }

        return [.. touched.GroupBy(sets.Find).Select(g => g.Order().ToList()).Where(g => g.Count > 1).OrderBy(g => g[0])];
    }
}
