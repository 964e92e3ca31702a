using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runlens.Model;

namespace Runlens.Import.Core;

/// <summary>
/// The one way hyperparameters become a <see cref="RunConfig"/>, whatever file they came from, so that the same
/// hyperparameters give the same keys and values from every format (docs/config.md):
/// <list type="bullet">
/// <item>Nesting: a key inside a mapping is joined to its parent's with a dot (<c>optimizer.lr</c>). Formats that store
/// hyperparameters as flat names already joined with <c>/</c> (MLflow parameters and TensorBoard hparams, as Lightning's
/// loggers write them) have their <c>/</c> read as that dot. An empty mapping gives no key; below
/// <see cref="MaxDepth"/> levels the rest is kept as one text value.</item>
/// <item>Arrays (lists and tuples): one text value, written as Python's <c>json.dumps</c> writes it —
/// <c>[0.9, 0.999]</c>, <c>["tensorboard", "wandb"]</c>, <c>[]</c> — with numbers in <see cref="ConfigScalars"/>' canonical
/// form, cut at <see cref="MaxText"/> characters. An MLflow or TensorBoard value that is a list or dict written as text
/// (<c>[0.9, 0.999]</c>, <c>{'lr': 0.1}</c>) is read as that list or dict.</item>
/// <item>Scalars: numbers in the canonical form, booleans, null, strings as written (a string that looks like a number
/// stays a string where the format says it is one; untyped text is typed by <see cref="ConfigScalars.FromText"/>).</item>
/// </list>
/// At most <see cref="MaxKeys"/> keys are kept.
/// </summary>
internal static class ConfigFlattener
{
    public const int MaxDepth = 16;
    public const int MaxKeys = 10_000;
    public const int MaxText = 4_096;

    /// <summary>Flattens <paramref name="node"/> (an object's members, or one value) under <paramref name="key"/> (empty
    /// for the top) into <paramref name="into"/>; a later key replaces an earlier one.</summary>
    public static void Flatten(string key, JsonNode? node, IDictionary<string, ConfigValue> into) => Add(key, node, into, 0);

    /// <summary>Flattens a whole object (its members at the top).</summary>
    public static Dictionary<string, ConfigValue> Flatten(JsonNode? node)
    {
        var into = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        Add("", node, into, 0);
        return into;
    }

    /// <summary>One value of a format that stores hyperparameters as flat names and untyped text (MLflow parameters,
    /// TensorBoard string hparams): <c>/</c> in the name is nesting, a list or dict written as text is read as one.</summary>
    public static void FlattenText(string name, string? text, IDictionary<string, ConfigValue> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        var key = FlatKey(name);
        if (PythonLiteral.TryParseContainer(text) is { } container)
        {
            Add(key, container, into, 0);
            return;
        }

        Put(into, key, ConfigScalars.FromText(text));
    }

    /// <summary>A flat name joined with <c>/</c> (Lightning's loggers) as a dotted key.</summary>
    public static string FlatKey(string name) => name.Replace('/', '.');

    /// <summary>A typed node for text that was written without a type (plain YAML scalars): see
    /// <see cref="ConfigScalars.FromText"/>.</summary>
    public static JsonNode? NodeFromText(string text)
    {
        var value = ConfigScalars.FromText(text);
        return value.Kind switch
        {
            ConfigValueKind.Null => null,
            ConfigValueKind.Boolean => JsonValue.Create(value.Boolean),
            ConfigValueKind.Number => long.TryParse(value.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                ? JsonValue.Create(l)
                : JsonValue.Create(value.Number),
            _ => JsonValue.Create(text),
        };
    }

    /// <summary>A value as one config value: scalars as they are, arrays and objects as their canonical text.</summary>
    public static ConfigValue Value(JsonNode? node) => node switch
    {
        null => ConfigValue.Null,
        JsonValue v => Scalar(v),
        _ => ConfigValue.Of(Text(node)),
    };

    /// <summary>The canonical text of a value, as Python's <c>json.dumps</c> writes it, cut at <see cref="MaxText"/>.</summary>
    public static string Text(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(node, sb, 0);
        return sb.Length > MaxText ? sb.ToString(0, MaxText) + "…" : sb.ToString();
    }

    private static void Add(string key, JsonNode? node, IDictionary<string, ConfigValue> into, int depth)
    {
        if (node is JsonObject o && depth < MaxDepth)
        {
            foreach (var (name, child) in o)
            {
                Add(key.Length == 0 ? name : key + "." + name, child, into, depth + 1);
            }

            return;
        }

        Put(into, key, Value(node));
    }

    private static void Put(IDictionary<string, ConfigValue> into, string key, ConfigValue value)
    {
        if (key.Length > 0 && (into.Count < MaxKeys || into.ContainsKey(key)))
        {
            into[key] = value;
        }
    }

    private static ConfigValue Scalar(JsonValue v)
    {
        switch (v.GetValueKind())
        {
            case JsonValueKind.Number:
                if (!PythonJson.TryGetNumber(v, out var d, out var exact))
                {
                    return ConfigValue.Of(v.ToString());
                }

                return exact is { } l ? ConfigScalars.Integer(l) : ConfigScalars.Number(d);
            case JsonValueKind.String:
                return ConfigValue.Of(v.GetValue<string>());
            case JsonValueKind.True:
                return ConfigValue.Of(true);
            case JsonValueKind.False:
                return ConfigValue.Of(false);
            case JsonValueKind.Null:
                return ConfigValue.Null;
            default:
                return ConfigValue.Of(v.ToString());
        }
    }

    private static void Write(JsonNode? node, StringBuilder sb, int depth)
    {
        if (sb.Length > MaxText)
        {
            return;
        }

        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonArray a when depth < PythonJson.MaxDepth:
                sb.Append('[');
                for (var i = 0; i < a.Count && sb.Length <= MaxText; i++)
                {
                    sb.Append(i == 0 ? "" : ", ");
                    Write(a[i], sb, depth + 1);
                }

                sb.Append(']');
                break;
            case JsonObject o when depth < PythonJson.MaxDepth:
                sb.Append('{');
                var first = true;
                foreach (var (name, child) in o)
                {
                    if (sb.Length > MaxText)
                    {
                        break;
                    }

                    sb.Append(first ? "" : ", ");
                    first = false;
                    WriteString(name, sb);
                    sb.Append(": ");
                    Write(child, sb, depth + 1);
                }

                sb.Append('}');
                break;
            case JsonValue v:
                var value = Scalar(v);
                if (value.Kind == ConfigValueKind.String)
                {
                    WriteString(value.Text, sb);
                }
                else
                {
                    sb.Append(value.Text);
                }

                break;
            default:
                sb.Append("…");
                break;
        }
    }

    /// <summary>A JSON string as <c>json.dumps(..., ensure_ascii=False)</c> writes it.</summary>
    private static void WriteString(string s, StringBuilder sb)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
