namespace Runlens.Storage.Search;

internal enum SearchComparator
{
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
    Equal,
    NotEqual,
    Like,
    ILike,
    In,
    NotIn,
}
