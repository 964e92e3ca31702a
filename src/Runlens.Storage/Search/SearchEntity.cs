namespace Runlens.Storage.Search;

internal enum SearchEntity
{
    Metric,
    Param,
    Tag,
    Attribute,
}
