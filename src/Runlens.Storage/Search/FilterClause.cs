namespace Runlens.Storage.Search;

/// <summary>One comparison of a filter; a run matches a filter when it matches all of them.</summary>
internal abstract class FilterClause
{
    public abstract bool Matches(RunRecord run);
}
