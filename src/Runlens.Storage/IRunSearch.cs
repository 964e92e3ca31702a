namespace Runlens.Storage;

/// <summary>
/// Run search in the store: MLflow's filter and order_by syntax, compiled to SQL and executed by the database, one page
/// at a time. Every host (the native API, MLflow's <c>runs/search</c>, MCP's <c>list_runs</c>, <c>runlens runs</c>)
/// searches through this, so the same query gives the same runs in the same order everywhere.
/// </summary>
public interface IRunSearch
{
    /// <summary>One page of the runs the search selects, in its order, and the token of the next page.</summary>
    /// <exception cref="Search.SearchSyntaxException">The filter, an order_by clause or the page token is malformed, or
    /// (with <see cref="RunSearch.StrictNames"/>) names a metric, parameter or tag no stored run has; the message says
    /// what is wrong and which names exist.</exception>
    Task<RunPage> SearchRunsAsync(RunSearch search, CancellationToken cancellationToken = default);
}
