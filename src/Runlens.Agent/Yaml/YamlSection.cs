using System.Collections.Immutable;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Runlens.Agent.Yaml;

/// <summary>
/// A mapping of a YAML file read key by key, every error one line naming the file and line, the cause and the fix:
/// <c>agent.yaml:12: trainer.time_limit_seconds 'soon' is not a number; write seconds, e.g. 300</c>. Unknown keys are
/// errors too (a typo must not silently fall back to a default).
/// </summary>
internal sealed class YamlSection
{
    private readonly YamlMappingNode _node;

    private YamlSection(string file, string prefix, YamlMappingNode node)
    {
        File = file;
        Prefix = prefix;
        _node = node;
    }

    public string File { get; }

    /// <summary>The dotted path of this section (<c>trainer.</c>), for messages.</summary>
    public string Prefix { get; }

    public int Line => (int)_node.Start.Line;

    /// <summary>The top-level mapping of a YAML document (an empty file is an empty mapping).</summary>
    /// <exception cref="AgentInputException">Not YAML, or not a mapping.</exception>
    public static YamlSection Parse(string file, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new AgentInputException($"{file}:{ex.Start.Line}: not valid YAML ({ex.Message}); fix the indentation or quoting there");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new YamlSection(file, "", new YamlMappingNode());
        }

        return stream.Documents[0].RootNode is YamlMappingNode map
            ? new YamlSection(file, "", map)
            : throw new AgentInputException($"{file}:{stream.Documents[0].RootNode.Start.Line}: the file must be a mapping of keys (key: value); see docs/agent.md");
    }

    /// <exception cref="AgentInputException">A key that is not one of <paramref name="allowed"/>.</exception>
    public YamlSection Only(params string[] allowed)
    {
        foreach (var (key, _) in _node.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!allowed.Contains(name))
            {
                throw new AgentInputException($"{File}:{key.Start.Line}: unknown key '{Prefix}{name}'; the keys here are {string.Join(", ", allowed.Select(a => Prefix + a))}");
            }
        }

        return this;
    }

    public bool Has(string key) => Find(key) is not null;

    public YamlSection? Section(string key) => Find(key) switch
    {
        null => null,
        YamlMappingNode map => new YamlSection(File, Prefix + key + ".", map),
        var other => throw Error(other, key, "is not a section", "write its keys indented below it"),
    };

    public string? String(string key) => Find(key) switch
    {
        null => null,
        YamlScalarNode { Value: { } v } => v,
        var other => throw Error(other, key, "is not a single value", "write it as text, e.g. " + key + ": value"),
    };

    public string Required(string key, string example) =>
        String(key) is { Length: > 0 } v ? v : throw new AgentInputException($"{File}:{Line}: '{Prefix}{key}' is missing; add it, e.g. {key}: {example}");

    public double? Number(string key, double min, double max, string example)
    {
        if (String(key) is not { } text)
        {
            return null;
        }

        var v = text.EndsWith('%') && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var p) ? p / 100
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN;
        return double.IsFinite(v) && v >= min && v <= max
            ? v
            : throw Error(Find(key)!, key, $"'{text}' is not a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}", "write e.g. " + key + ": " + example);
    }

    public int? Integer(string key, int min, int max, string example) =>
        Number(key, min, max, example) is { } v
            ? v == Math.Floor(v) ? (int)v : throw Error(Find(key)!, key, $"'{v.ToString(CultureInfo.InvariantCulture)}' is not a whole number", "write e.g. " + key + ": " + example)
            : null;

    public bool? Boolean(string key) => String(key) switch
    {
        null => null,
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        var text => throw Error(Find(key)!, key, $"'{text}' is not true or false", "write " + key + ": true or " + key + ": false"),
    };

    public string? Choice(string key, params string[] choices) => String(key) switch
    {
        null => null,
        var v when choices.Contains(v) => v,
        var v => throw Error(Find(key)!, key, $"'{v}' is not one of {string.Join(", ", choices)}", "use one of them"),
    };

    /// <summary>A list of strings (<c>[a, b]</c> or one item per line), or null.</summary>
    public ImmutableArray<string>? Strings(string key) => Find(key) switch
    {
        null => null,
        YamlSequenceNode seq => [.. seq.Children.Select(c => c is YamlScalarNode { Value: { } v } ? v : throw Error(c, key, "holds an item that is not a single value", "write each item as text"))],
        var other => throw Error(other, key, "is not a list", "write it as [a, b, c]"),
    };

    /// <summary>The seeds: a list of integers, or a count n for seeds 1..n.</summary>
    public ImmutableArray<int>? Seeds(string key)
    {
        var node = Find(key);
        if (node is null)
        {
            return null;
        }

        ImmutableArray<int> seeds;
        if (node is YamlScalarNode)
        {
            seeds = [.. Enumerable.Range(1, Integer(key, 2, 100, "3")!.Value)];
        }
        else
        {
            var texts = Strings(key)!.Value;
            seeds = [.. texts.Select(t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s
                : throw Error(node, key, $"'{t}' is not a whole number", "write e.g. " + key + ": [1, 2, 3]"))];
        }

        return seeds.Length >= 2 && seeds.Distinct().Count() == seeds.Length
            ? seeds
            : throw Error(node, key, "needs at least two different seeds (the spread over seeds is what tells a real improvement from noise)", "write e.g. " + key + ": [1, 2, 3]");
    }

    /// <summary>A value as JSON: a number or text, or a list of them; null when absent.</summary>
    public System.Text.Json.Nodes.JsonNode? Json(string key) => Find(key) switch
    {
        null => null,
        YamlSequenceNode => new System.Text.Json.Nodes.JsonArray([.. Strings(key)!.Value.Select(v => (System.Text.Json.Nodes.JsonNode?)Scalar(v))]),
        _ => Scalar(String(key)!),
    };

    private static System.Text.Json.Nodes.JsonNode Scalar(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? System.Text.Json.Nodes.JsonValue.Create(d)
            : System.Text.Json.Nodes.JsonValue.Create(text);

    public AgentInputException Error(string key, string cause, string fix) =>
        Error(Find(key) ?? _node, key, cause, fix);

    private AgentInputException Error(YamlNode node, string key, string cause, string fix) =>
        new($"{File}:{node.Start.Line}: {Prefix}{key} {cause}; {fix}");

    private YamlNode? Find(string key) =>
        _node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is not YamlScalarNode { Value: null or "" } or YamlScalarNode { Style: ScalarStyle.DoubleQuoted or ScalarStyle.SingleQuoted }
            ? value
            : null;
}
