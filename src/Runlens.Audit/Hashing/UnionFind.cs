namespace Runlens.Audit.Hashing;

/// <summary>Disjoint sets over 0..n-1 (path halving, union by smaller root index so a group's root is its first member).</summary>
internal sealed class UnionFind
{
    private readonly int[] _parent;

    public UnionFind(int n)
    {
        _parent = new int[n];
        for (var i = 0; i < n; i++)
        {
            _parent[i] = i;
        }
    }

    public int Find(int i)
    {
        while (_parent[i] != i)
        {
            _parent[i] = _parent[_parent[i]];
            i = _parent[i];
        }

        return i;
    }

    public void Union(int a, int b)
    {
        var ra = Find(a);
        var rb = Find(b);
        if (ra != rb)
        {
            _parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
    }
}
