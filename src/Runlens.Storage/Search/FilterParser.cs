using System.Globalization;

namespace Runlens.Storage.Search;

/// <summary>
/// Parses an MLflow <c>search_runs</c> filter string: comparisons joined by AND. Like MLflow, it first checks the
/// shape of the whole string ("Invalid clause(s) in filter string: …"), then each clause's key, value and comparator
/// in that order, with MLflow's messages.
/// </summary>
internal sealed class FilterParser
{
    private readonly List<SearchToken> _tokens;
    private readonly string _filter;
    private int _i;

    private FilterParser(string filter)
    {
        _filter = filter;
        _tokens = SearchLexer.Tokenize(filter, $"Invalid filter '{filter}'.");
    }

    public static List<FilterClause> Parse(string filter) => [.. new FilterParser(filter).ReadClauses().Select(Build)];

    private SearchToken? Peek(int ahead = 0) => _i + ahead < _tokens.Count ? _tokens[_i + ahead] : null;

    private List<RawClause> ReadClauses()
    {
        var clauses = new List<RawClause>();
        if (_tokens.Count == 0)
            return clauses;
        while (true)
        {
            if (Peek() is not { } first)
                throw Invalid([_tokens[^1]], $"Expected a comparison after '{_tokens[^1].Text}'.");
            if (first.IsWord("AND"))
                throw Invalid([first], $"Expected a comparison before '{first.Text}'.");
            clauses.Add(ReadClause());
            if (Peek() is not { } next)
                return clauses;
            if (next.IsWord("AND"))
            {
                _i++;
                continue;
            }
            if (next.IsWord("OR"))
                throw Invalid([next], "Clauses can only be joined with AND; MLflow does not support OR.");
            throw Invalid(Segment(_i), "Clauses must be joined with AND.");
        }
    }

    private RawClause ReadClause()
    {
        var start = _i;
        var key = Peek();
        if (key is not { IsKey: true })
        {
            throw Invalid(Segment(start),
                $"A clause starts with a key such as metrics.loss, params.lr, tags.team or status; found '{key?.Text}'.");
        }
        _i++;
        var comparatorToken = Peek();
        var comparator = ReadComparator();
        if (comparator is null)
        {
            var found = comparatorToken is null ? "nothing" : $"'{comparatorToken.Text}'";
            throw Invalid(Segment(start), $"Expected a comparator after '{key.Text}', found {found}.");
        }
        var value = Peek();
        if (value?.Kind == SearchTokenKind.OpenParen)
            return ReadList(start, key, comparator);
        if (comparator is "IN" or "NOT IN")
            throw Invalid(Segment(start), $"Expected a parenthesised list of quoted strings after '{comparator}'.");
        if (value is not { Kind: SearchTokenKind.Identifier or SearchTokenKind.String or SearchTokenKind.Number } || value.IsKeyword)
            throw Invalid(Segment(start), $"Expected a value after '{comparator}'.");
        _i++;
        return new RawClause(key, comparator, [value], value.Text, false);
    }

    /// <summary>An operator (<c>=</c>, <c>&gt;=</c>, also nonsense such as <c>&lt;&lt;&lt;</c>, which the key's checks
    /// reject with MLflow's message), LIKE, ILIKE, IN, or NOT followed by one of those three.</summary>
    private string? ReadComparator()
    {
        var token = Peek();
        if (token is null)
            return null;
        if (token.Kind == SearchTokenKind.Operator)
        {
            _i++;
            return token.Text;
        }
        if (IsComparatorWord(token))
        {
            _i++;
            return token.Text.ToUpperInvariant();
        }
        if (token.IsWord("NOT") && Peek(1) is { } next && IsComparatorWord(next))
        {
            _i += 2;
            return "NOT " + next.Text.ToUpperInvariant();
        }
        return null;
    }

    private static bool IsComparatorWord(SearchToken token) => token.IsWord("LIKE") || token.IsWord("ILIKE") || token.IsWord("IN");

    private RawClause ReadList(int start, SearchToken key, string comparator)
    {
        var open = _i;
        var depth = 0;
        for (var j = open; j < _tokens.Count; j++)
        {
            depth += _tokens[j].Kind switch
            {
                SearchTokenKind.OpenParen => 1,
                SearchTokenKind.CloseParen => -1,
                _ => 0,
            };
            if (depth != 0)
                continue;
            _i = j + 1;
            var text = _filter[_tokens[open].Position.._tokens[j].End];
            return new RawClause(key, comparator, _tokens[(open + 1)..j], text, true);
        }
        throw Invalid(Segment(start), "Missing ')' to close the list.");
    }

    /// <summary>The tokens from <paramref name="start"/> up to the next AND: what MLflow would list as invalid.</summary>
    private List<SearchToken> Segment(int start)
    {
        var end = start;
        while (end < _tokens.Count && !_tokens[end].IsWord("AND"))
            end++;
        return _tokens[start..end];
    }

    private static SearchSyntaxException Invalid(List<SearchToken> tokens, string hint) =>
        new($"Invalid clause(s) in filter string: {string.Join(", ", tokens.Select(t => $"'{t.Text}'"))}. {hint}");

    private static FilterClause Build(RawClause raw)
    {
        var key = SearchKeys.ForFilter(raw.Key);
        if (key.IsNumeric)
        {
            if (raw.Scalar is not { Kind: SearchTokenKind.Number } number)
            {
                throw new SearchSyntaxException(key.Entity == SearchEntity.Metric
                    ? $"Expected numeric value type for metric. Found {raw.ValueText}"
                    : $"Expected numeric value type for numeric attribute: {key.Written}. Found {raw.ValueText}");
            }
            var value = double.Parse(number.Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            return new NumericClause(key, SearchComparators.Require(key, raw.Comparator), value);
        }
        if (key.Entity is SearchEntity.Param or SearchEntity.Tag)
        {
            var entity = key.Entity == SearchEntity.Param ? "parameter" : "tag";
            var text = StringValue(raw, $"Expected a quoted string value for {entity} (e.g. 'my-value'). Got value {raw.ValueText}");
            return new TextClause(key, SearchComparators.Require(key, raw.Comparator), text);
        }
        if (raw.IsList)
        {
            if (key.Name != SearchKey.RunId)
                throw new SearchSyntaxException("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
            var ids = ListValues(raw);
            var comparator = SearchComparators.Require(key, raw.Comparator);
            if (comparator is not (SearchComparator.In or SearchComparator.NotIn))
            {
                throw new SearchSyntaxException(
                    $"Invalid comparator '{SearchComparators.Text(comparator)}' for a list of values; use IN or NOT IN.");
            }
            return new RunIdListClause(ids, comparator == SearchComparator.NotIn);
        }
        var attribute = StringValue(raw, $"Expected a quoted string value for attributes. Got value {raw.ValueText}");
        return new TextClause(key, SearchComparators.Require(key, raw.Comparator), attribute);
    }

    private static string StringValue(RawClause raw, string notAString)
    {
        if (raw.Scalar?.QuotedString is { } text)
            return text;
        if (raw.Scalar is { Kind: SearchTokenKind.Identifier } bare)
        {
            throw new SearchSyntaxException(
                $"Parameter value is either not quoted or unidentified quote types used for string value {bare.Text}. "
                + "Use either single or double quotes.");
        }
        throw new SearchSyntaxException(notAString);
    }

    /// <summary>The quoted strings of <c>('a', 'b')</c>; a trailing comma is allowed, as in Python.</summary>
    private static List<string> ListValues(RawClause raw)
    {
        const string Prefix = "While parsing a list in the query, expected ";
        if (raw.Value.Count == 0)
            throw new SearchSyntaxException(Prefix + "a non-empty list of string values, but got empty list");
        if (raw.Value.Any(t => t.Kind != SearchTokenKind.Comma && t.QuotedString is null))
        {
            throw new SearchSyntaxException(
                Prefix + $"string value, punctuation, or whitespace, but got different type in list: {raw.ValueText}");
        }
        var values = new List<string>();
        for (var j = 0; j < raw.Value.Count; j += 2)
        {
            var item = raw.Value[j].QuotedString;
            var separated = j + 1 >= raw.Value.Count || raw.Value[j + 1].Kind == SearchTokenKind.Comma;
            if (item is null || !separated)
                throw new SearchSyntaxException(Prefix + "a non-empty list of string values, but got ill-formed list.");
            values.Add(item);
        }
        return values;
    }
}
