namespace Runlens.Storage.Search;

/// <summary>One order_by clause. Runs lacking the key come last whichever the direction (NaN metrics just before
/// them), as in MLflow.</summary>
internal sealed record OrderClause(SearchKey Key, bool Ascending)
{
    public int Compare(RunRecord x, RunRecord y)
    {
        if (Key.IsNumeric)
        {
            var (a, b) = (RunFields.Number(x, Key), RunFields.Number(y, Key));
            var byRank = Rank(a).CompareTo(Rank(b));
            if (byRank != 0 || Rank(a) != 0)
                return byRank;
            return Directed(a!.Value.CompareTo(b!.Value));
        }
        var (s, t) = (RunFields.Text(x, Key), RunFields.Text(y, Key));
        if (s is null || t is null)
            return (s is null).CompareTo(t is null);
        return Directed(string.CompareOrdinal(s, t));
    }

    /// <summary>0 for a value, 1 for NaN, 2 for none.</summary>
    private static int Rank(double? value) => value switch
    {
        null => 2,
        double.NaN => 1,
        _ => 0,
    };

    private int Directed(int comparison) => Ascending ? comparison : -comparison;
}
