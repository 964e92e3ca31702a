using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Runlens.Model;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Runlens.Import.Core;

/// <summary>
/// Config files in YAML (Lightning's <c>hparams.yaml</c>, W&amp;B's <c>config.yaml</c>), read into a tree and flattened
/// by <see cref="ConfigFlattener"/> like every other format's hyperparameters. Plain scalars are typed as untyped text is
/// (<see cref="ConfigScalars.FromText"/>; an empty plain value is null, as YAML reads it), quoted ones are strings; Python
/// tags (<c>!!python/object…</c>, <c>!!python/tuple</c>) are read as the mapping or sequence they tag; aliases stay
/// <c>*name</c>. Read from YamlDotNet's event parser (a state machine) with bounded nesting, so no file can run the stack
/// out; sizes and key counts are bounded too.
/// </summary>
internal static class YamlConfig
{
    public const long MaxBytes = 4 << 20;
    private const int MaxNesting = 64;

    /// <summary>Parses <paramref name="text"/> into a tree (null for an empty file). Throws <see cref="RunImportException"/>
    /// (file, line, cause and <paramref name="hint"/>) when it is not readable YAML.</summary>
    public static JsonNode? ParseTree(string file, string text, string hint)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (!parser.Accept<DocumentStart>(out _))
            {
                return null;
            }

            parser.Consume<DocumentStart>();
            return Node(parser, 0);
        }
        catch (YamlException ex)
        {
            throw new RunImportException(file, "line " + ex.Start.Line.ToString(CultureInfo.InvariantCulture),
                "not readable YAML: " + FirstLine(ex.Message), hint, ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or InvalidCastException)
        {
            // YamlDotNet throws these instead of a YamlException for some malformed input
            var line = parser.Current is { } at ? "line " + at.Start.Line.ToString(CultureInfo.InvariantCulture) : null;
            throw new RunImportException(file, line, "not readable YAML: " + FirstLine(ex.Message), hint, ex);
        }
    }

    /// <summary>Parses <paramref name="text"/> and flattens it. <c>{}</c>, an empty file and a non-mapping give no keys.</summary>
    public static Dictionary<string, ConfigValue> Parse(string file, string text, string hint) =>
        ConfigFlattener.Flatten(ParseTree(file, text, hint));

    /// <summary>Reads a config file, returning damage as an event instead of throwing (for files the metrics do not
    /// depend on).</summary>
    public static (RunConfig Config, RunEvent? Damage) Read(string file, string hint)
    {
        try
        {
            var length = new FileInfo(file).Length;
            if (length > MaxBytes)
            {
                return (RunConfig.Empty, new RunEvent(RunEventKind.Warning,
                    $"{Path.GetFileName(file)} was not read: {length} bytes is more than a config file holds", File: file));
            }

            return (RunConfig.From(Parse(file, File.ReadAllText(file), hint)), null);
        }
        catch (RunImportException ex)
        {
            return (RunConfig.Empty, new RunEvent(RunEventKind.ImportDamage,
                $"{Path.GetFileName(file)} is {ex.Cause}; {hint}", File: file, Location: ex.Location));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (RunConfig.Empty, new RunEvent(RunEventKind.ImportDamage, $"{Path.GetFileName(file)} could not be read: {ex.Message}", File: file));
        }
    }

    private static string FirstLine(string message)
    {
        var nl = message.IndexOf('\n', StringComparison.Ordinal);
        return (nl < 0 ? message : message[..nl]).TrimEnd('.');
    }

    /// <summary>Consumes one node (scalar, alias, sequence or mapping) into a tree.</summary>
    private static JsonNode? Node(IParser parser, int depth)
    {
        if (depth > MaxNesting)
        {
            var at = parser.Current;
            throw new YamlException(at?.Start ?? Mark.Empty, at?.End ?? Mark.Empty, $"nested deeper than {MaxNesting} levels");
        }

        if (parser.TryConsume<Scalar>(out var scalar))
        {
            return scalar.Style is ScalarStyle.Plain or ScalarStyle.Any
                ? (scalar.Value.Length == 0 ? null : ConfigFlattener.NodeFromText(scalar.Value))
                : JsonValue.Create(scalar.Value);
        }

        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            return JsonValue.Create("*" + alias.Value);
        }

        if (parser.TryConsume<SequenceStart>(out _))
        {
            var a = new JsonArray();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                a.Add(Node(parser, depth + 1));
            }

            return a;
        }

        if (parser.TryConsume<MappingStart>(out _))
        {
            var o = new JsonObject();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = Key(parser, depth + 1);
                o[key] = Node(parser, depth + 1);
            }

            return o;
        }

        var current = parser.Current;
        throw new YamlException(current?.Start ?? Mark.Empty, current?.End ?? Mark.Empty, "unexpected " + (current?.GetType().Name ?? "end of input"));
    }

    /// <summary>A mapping key as text: a scalar's value, or a complex key (a sequence or mapping) as its canonical text.</summary>
    private static string Key(IParser parser, int depth)
    {
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            return scalar.Value;
        }

        var node = Node(parser, depth);
        return node is null ? "" : ConfigFlattener.Text(node);
    }
}
