namespace Runlens.Storage.Search;

/// <summary>
/// A run-search filter or order_by clause that cannot be parsed, with the message MLflow's tracking server gives for
/// the same input (an INVALID_PARAMETER_VALUE error).
/// </summary>
public sealed class SearchSyntaxException : Exception
{
    public SearchSyntaxException()
    {
    }

    public SearchSyntaxException(string message) : base(message)
    {
    }

    public SearchSyntaxException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
