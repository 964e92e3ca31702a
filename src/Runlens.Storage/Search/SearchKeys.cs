namespace Runlens.Storage.Search;

/// <summary>
/// Resolves a clause's key (<c>metrics.loss</c>, <c>param.lr</c>, <c>tags."mlflow.user"</c>, <c>status</c>) the way
/// MLflow's <c>SearchUtils._get_identifier</c> does: the part before the first dot names the entity (aliases
/// allowed), the rest is the key; a key without a dot is an attribute.
/// </summary>
internal static class SearchKeys
{
    private static readonly Dictionary<string, SearchEntity?> Entities = new(StringComparer.Ordinal)
    {
        ["metric"] = SearchEntity.Metric,
        ["metrics"] = SearchEntity.Metric,
        ["parameter"] = SearchEntity.Param,
        ["parameters"] = SearchEntity.Param,
        ["param"] = SearchEntity.Param,
        ["params"] = SearchEntity.Param,
        ["tag"] = SearchEntity.Tag,
        ["tags"] = SearchEntity.Tag,
        ["attribute"] = SearchEntity.Attribute,
        ["attributes"] = SearchEntity.Attribute,
        ["attr"] = SearchEntity.Attribute,
        ["run"] = SearchEntity.Attribute,
        // Valid in MLflow, but Runlens runs have no dataset inputs.
        ["dataset"] = null,
        ["datasets"] = null,
    };

    /// <summary>MLflow's orderable run attributes (its searchable ones) and the <c>created</c> aliases, as written →
    /// canonical.</summary>
    private static readonly (string Written, string Name)[] OrderAttributes =
    [
        (SearchKey.RunId, SearchKey.RunId),
        (SearchKey.RunName, SearchKey.RunName),
        (SearchKey.Status, SearchKey.Status),
        (SearchKey.UserId, SearchKey.UserId),
        (SearchKey.StartTime, SearchKey.StartTime),
        (SearchKey.EndTime, SearchKey.EndTime),
        (SearchKey.ArtifactUri, SearchKey.ArtifactUri),
        ("created", SearchKey.StartTime),
        ("Created", SearchKey.StartTime),
    ];

    /// <summary>Filters also accept the run-name aliases.</summary>
    private static readonly (string Written, string Name)[] FilterAttributes =
    [
        .. OrderAttributes,
        ("run name", SearchKey.RunName),
        ("Run name", SearchKey.RunName),
        ("Run Name", SearchKey.RunName),
    ];

    public static SearchKey ForFilter(SearchToken identifier) => Resolve(identifier, FilterAttributes, "Filtering");

    public static SearchKey ForOrder(SearchToken identifier) => Resolve(identifier, OrderAttributes, "Ordering");

    private static SearchKey Resolve(SearchToken identifier, (string Written, string Name)[] attributes, string use)
    {
        var parts = identifier.Parts;
        SearchEntity entity;
        string key;
        if (parts.Count == 1)
        {
            entity = SearchEntity.Attribute;
            key = parts[0].Text;
        }
        else
        {
            // MLflow trims backticks from the entity type, nothing else: "metrics".loss names no entity.
            var written = parts[0].Quote == '"' ? $"\"{parts[0].Text}\"" : parts[0].Text;
            if (!Entities.TryGetValue(written, out var known))
            {
                throw new SearchSyntaxException(
                    $"Invalid entity type '{written}'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']");
            }
            if (known is null)
            {
                throw new SearchSyntaxException(
                    $"{use} on datasets ('{identifier.Text}') is not supported: Runlens runs have no dataset inputs.");
            }
            entity = known.Value;
            key = string.Join('.', parts.Skip(1).Select(p => p.Text));
        }
        if (key.Length == 0)
        {
            throw new SearchSyntaxException(
                $"Invalid identifier '{identifier.Text}'. Columns should be specified as 'attribute.<key>', "
                + "'metric.<key>', 'tag.<key>', 'dataset.<key>', or 'param.'.");
        }
        if (entity != SearchEntity.Attribute)
            return new SearchKey(entity, key, key);

        var index = Array.FindIndex(attributes, a => a.Written == key);
        if (index < 0)
        {
            var valid = string.Join(", ", attributes.Select(a => $"'{a.Written}'"));
            throw new SearchSyntaxException($"Invalid attribute key '{key}' specified. Valid keys are '{{{valid}}}'");
        }
        var name = attributes[index].Name;
        if (name == SearchKey.ArtifactUri)
            throw new SearchSyntaxException($"{use} by attribute '{key}' is not supported: Runlens runs have no artifact URI.");
        return new SearchKey(SearchEntity.Attribute, name, key);
    }
}
