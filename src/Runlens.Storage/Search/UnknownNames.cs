using System.Globalization;

namespace Runlens.Storage.Search;

/// <summary>The error for a name in a filter or order_by that no stored run has: it says which names exist (all of them
/// when there are few, else the closest by edit distance), instead of a search that silently matches nothing.</summary>
internal static class UnknownNames
{
    private const int ListedWhole = 12;
    private const int Closest = 5;

    /// <param name="written">The key as written, e.g. <c>metrics.val_los</c>.</param>
    /// <param name="what">What it names: <c>a metric</c>, <c>a parameter</c>, <c>a tag</c>.</param>
    /// <param name="name">The name looked for.</param>
    /// <param name="normalized">The normalised name also looked for, when it differs.</param>
    /// <param name="known">Every name of that kind in the store.</param>
    public static SearchSyntaxException Error(string written, string what, string name, string? normalized, IReadOnlyList<string> known)
    {
        var looked = normalized is null || normalized == name ? $"'{name}'" : $"'{name}' (nor '{normalized}')";
        var message = $"{written}: no stored run has {what} named {looked}";
        if (known.Count == 0)
        {
            return new SearchSyntaxException($"{message}; the store has no {Plural(what)} yet.");
        }

        if (known.Count <= ListedWhole)
        {
            return new SearchSyntaxException($"{message}; the {Plural(what)} are: {string.Join(", ", known)}.");
        }

        var closest = known
            .Select(k => (Name: k, Distance: Quickenshtein.Levenshtein.GetDistance(name.ToLowerInvariant(), k.ToLowerInvariant())))
            .OrderBy(k => k.Distance).ThenBy(k => k.Name, StringComparer.Ordinal)
            .Take(Closest).Select(k => k.Name);
        return new SearchSyntaxException(string.Create(CultureInfo.InvariantCulture,
            $"{message}; the closest are: {string.Join(", ", closest)} ({known.Count} {Plural(what)} in all)."));
    }

    private static string Plural(string what) => what[(what.IndexOf(' ', StringComparison.Ordinal) + 1)..] + "s";
}
