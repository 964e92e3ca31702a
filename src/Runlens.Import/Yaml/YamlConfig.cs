using System.Globalization;
using System.Text;
using Runlens.Model;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Runlens.Import.Yaml;

/// <summary>
/// Config files in YAML (Lightning's <c>hparams.yaml</c>, W&amp;B's <c>config.yaml</c>): the top mapping becomes dotted
/// keys, lists and deeper structures stay one value written as text, Python tags (<c>!!python/object…</c>) are read as the
/// mapping or scalar they tag, aliases stay <c>*name</c>. Read from YamlDotNet's event parser (a state machine, no
/// recursion) with bounded nesting, so no file can run the stack out; sizes and key counts are bounded too.
/// </summary>
internal static class YamlConfig
{
    public const long MaxBytes = 4 << 20;
    private const int MaxDepth = 16;
    private const int MaxNesting = 64;
    private const int MaxKeys = 10_000;
    private const int MaxText = 4_096;

    /// <summary>Parses <paramref name="text"/>. Throws <see cref="RunImportException"/> (file, line, cause and
    /// <paramref name="hint"/>) when it is not readable YAML. <c>{}</c>, an empty file and a non-mapping give no keys.</summary>
    /// <param name="skipTop">Top-level keys to leave out.</param>
    /// <param name="unwrapValue">W&amp;B style: a top-level <c>{desc, value}</c> mapping stands for its <c>value</c>.</param>
    public static Dictionary<string, ConfigValue> Parse(string file, string text, string hint, Func<string, bool>? skipTop = null, bool unwrapValue = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<DocumentStart>(out _))
            {
                parser.Consume<DocumentStart>();
                if (parser.Accept<MappingStart>(out _))
                {
                    ReadMapping(parser, "", values, 0);
                }
            }
        }
        catch (YamlException ex)
        {
            throw new RunImportException(file, "line " + ex.Start.Line.ToString(CultureInfo.InvariantCulture),
                "not readable YAML: " + FirstLine(ex.Message), hint, ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or InvalidCastException)
        {
            // YamlDotNet throws these instead of a YamlException for some malformed input (and for duplicate keys)
            var line = parser.Current is { } at ? "line " + at.Start.Line.ToString(CultureInfo.InvariantCulture) : null;
            throw new RunImportException(file, line, "not readable YAML: " + FirstLine(ex.Message), hint, ex);
        }

        if (skipTop is null && !unwrapValue)
        {
            return values;
        }

        var wrapped = new HashSet<string>(StringComparer.Ordinal);
        if (unwrapValue)
        {
            foreach (var key in values.Keys)
            {
                var at = key.IndexOf(".value", StringComparison.Ordinal);
                if (at > 0 && key.IndexOf('.', StringComparison.Ordinal) == at
                    && (key.Length == at + 6 || key[at + 6] == '.'))
                {
                    wrapped.Add(key[..at]);
                }
            }
        }

        var result = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            var dot = key.IndexOf('.', StringComparison.Ordinal);
            var top = dot < 0 ? key : key[..dot];
            if (skipTop?.Invoke(top) == true)
            {
                continue;
            }

            if (dot >= 0 && wrapped.Contains(top))
            {
                var rest = key[(dot + 1)..];
                if (rest == "value")
                {
                    result[top] = value;
                }
                else if (rest.StartsWith("value.", StringComparison.Ordinal))
                {
                    result[top + rest[5..]] = value;
                }

                continue; // desc and other wrapper fields
            }

            result[key] = value;
        }

        return result;
    }

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

    /// <summary>Reads a mapping (the parser is at its start) into dotted keys.</summary>
    private static void ReadMapping(IParser parser, string prefix, Dictionary<string, ConfigValue> into, int depth)
    {
        parser.Consume<MappingStart>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var keyText = new StringBuilder();
            Text(parser, keyText, depth + 1);
            var key = prefix + keyText;
            if (parser.Accept<MappingStart>(out _) && depth < MaxDepth)
            {
                ReadMapping(parser, key + ".", into, depth + 1);
            }
            else if (parser.TryConsume<Scalar>(out var scalar))
            {
                Put(into, key, scalar.Style is ScalarStyle.Plain or ScalarStyle.Any ? ConfigValue.Parse(scalar.Value) : ConfigValue.Of(scalar.Value));
            }
            else
            {
                var sb = new StringBuilder();
                Text(parser, sb, depth + 1);
                Put(into, key, ConfigValue.Of(sb.Length > MaxText ? sb.ToString(0, MaxText) + "…" : sb.ToString()));
            }
        }
    }

    private static void Put(Dictionary<string, ConfigValue> into, string key, ConfigValue value)
    {
        if (key.Length > 0 && (into.Count < MaxKeys || into.ContainsKey(key)))
        {
            into[key] = value;
        }
    }

    /// <summary>Consumes one node (scalar, alias, sequence or mapping) and writes it as text.</summary>
    private static void Text(IParser parser, StringBuilder sb, int depth)
    {
        if (depth > MaxNesting)
        {
            var at = parser.Current;
            throw new YamlException(at?.Start ?? Mark.Empty, at?.End ?? Mark.Empty, $"nested deeper than {MaxNesting} levels");
        }

        var limit = sb.Length > MaxText;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            sb.Append(limit ? "" : scalar.Value);
        }
        else if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            sb.Append(limit ? "" : "*" + alias.Value);
        }
        else if (parser.TryConsume<SequenceStart>(out _))
        {
            sb.Append(limit ? "" : "[");
            var first = true;
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                sb.Append(first || sb.Length > MaxText ? "" : ", ");
                Text(parser, sb, depth + 1);
                first = false;
            }

            sb.Append(sb.Length > MaxText ? "" : "]");
        }
        else if (parser.TryConsume<MappingStart>(out _))
        {
            sb.Append(limit ? "" : "{");
            var first = true;
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                sb.Append(first || sb.Length > MaxText ? "" : ", ");
                Text(parser, sb, depth + 1);
                sb.Append(sb.Length > MaxText ? "" : ": ");
                Text(parser, sb, depth + 1);
                first = false;
            }

            sb.Append(sb.Length > MaxText ? "" : "}");
        }
        else
        {
            var at = parser.Current;
            throw new YamlException(at?.Start ?? Mark.Empty, at?.End ?? Mark.Empty, "unexpected " + (at?.GetType().Name ?? "end of input"));
        }
    }
}
