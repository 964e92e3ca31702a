using System.Globalization;
using System.Text;
using Runlens.Model;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Runlens.Import.Tabular;

/// <summary>
/// Lightning's <c>hparams.yaml</c> (what <c>save_hyperparameters()</c> saved): nested mappings become dotted keys, lists
/// stay one value written as text, Python tags (<c>!!python/object…</c>) are read as the mapping or scalar they tag, aliases
/// stay <c>*name</c>.
/// <c>{}</c> and an empty file are valid and give no keys.
/// </summary>
internal static class HparamsYaml
{
    public const long MaxBytes = 4 << 20;
    private const int MaxDepth = 16;
    private const int MaxNesting = 64;
    private const int MaxKeys = 10_000;
    private const int MaxText = 4_096;

    /// <summary>Reads the file. Damage is returned as an event, never thrown: the metrics do not depend on it.</summary>
    public static (RunConfig Config, RunEvent? Damage) Read(string file)
    {
        string text;
        try
        {
            var length = new FileInfo(file).Length;
            if (length > MaxBytes)
            {
                return (RunConfig.Empty, new RunEvent(RunEventKind.Warning,
                    $"{Path.GetFileName(file)} was not read: {length} bytes is more than a hyperparameter file holds", File: file));
            }

            text = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (RunConfig.Empty, new RunEvent(RunEventKind.ImportDamage, $"{Path.GetFileName(file)} could not be read: {ex.Message}", File: file));
        }

        return Parse(file, text);
    }

    public static (RunConfig Config, RunEvent? Damage) Parse(string file, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        try
        {
            // YamlDotNet's parser is an event state machine (no recursion); the nesting here is bounded by MaxDepth, so a
            // deeply nested file cannot run the stack out
            var parser = new Parser(new StringReader(text));
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
            return (RunConfig.Empty, Damage(file, "line " + ex.Start.Line.ToString(CultureInfo.InvariantCulture), ex.Message));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or InvalidCastException)
        {
            // YamlDotNet throws these instead of a YamlException for some malformed input
            return (RunConfig.Empty, Damage(file, null, ex.Message));
        }

        return (RunConfig.From(values), null);
    }

    private static RunEvent Damage(string file, string? location, string message)
    {
        var nl = message.IndexOf('\n', StringComparison.Ordinal);
        var first = (nl < 0 ? message : message[..nl]).TrimEnd('.');
        return new RunEvent(RunEventKind.ImportDamage,
            $"{Path.GetFileName(file)} is not readable YAML ({first}); the run has no hyperparameters", File: file, Location: location);
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
