using System.Globalization;
using System.Text;
using System.Text.Json;
using Runlens.Import.Wandb.Proto;
using Runlens.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Runlens.Import.Wandb;

/// <summary>
/// W&amp;B run config: <c>files/config.yaml</c> (each key maps to <c>{desc, value}</c>; <c>wandb_version</c> and the
/// SDK's own <c>_wandb</c> entry are skipped) or the config items of the transaction log (<c>value_json</c>). Nested
/// values become dotted keys; lists stay one value written as text.
/// </summary>
internal static class WandbConfigReader
{
    private const int MaxDepth = 16;
    private const int MaxKeys = 10_000;
    private const int MaxText = 4_096;

    /// <summary>Reads config.yaml. Throws <see cref="RunImportException"/> when it is not readable YAML.</summary>
    public static Dictionary<string, ConfigValue> ReadYaml(string file, string text)
    {
        var result = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new RunImportException(file, string.Create(CultureInfo.InvariantCulture, $"line {ex.Start.Line}"),
                "not readable YAML: " + FirstLine(ex.Message), "the config is skipped", ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws these instead of a YamlException for some malformed input (and for duplicate keys)
            throw new RunImportException(file, null, "not readable YAML: " + FirstLine(ex.Message), "the config is skipped", ex);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return result;
        }

        foreach (var (k, v) in root.Children)
        {
            if (k is not YamlScalarNode { Value: { Length: > 0 } key } || key is "wandb_version" or "_wandb")
            {
                continue;
            }

            var value = v is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode("value"), out var inner) ? inner : v;
            FlattenYaml(key, value, result, 0);
            if (result.Count >= MaxKeys)
            {
                break;
            }
        }

        return result;
    }

    /// <summary>Applies config items from the transaction log (updates, then removals).</summary>
    public static void Apply(WandbConfigRecord record, Dictionary<string, ConfigValue> into)
    {
        foreach (var item in record.Update)
        {
            var key = WandbItems.Name(item);
            if (key.Length == 0 || key == "_wandb" || key.StartsWith("_wandb.", StringComparison.Ordinal))
            {
                continue;
            }

            FlattenJson(key, item.ValueJson, into);
        }

        foreach (var item in record.Remove)
        {
            var key = WandbItems.Name(item);
            foreach (var k in into.Keys.Where(k => k == key || k.StartsWith(key + ".", StringComparison.Ordinal)).ToList())
            {
                into.Remove(k);
            }
        }
    }

    private static void FlattenJson(string key, string json, Dictionary<string, ConfigValue> into)
    {
        if (WandbJson.TryParseNumber(json, out var number))
        {
            into[key] = ConfigValue.Of(number);
            return;
        }

        try
        {
            using var doc = WandbJson.Parse(json);
            FlattenJson(key, doc.RootElement, into, 0);
        }
        catch (JsonException)
        {
            into[key] = ConfigValue.Of(json);
        }
    }

    private static void FlattenJson(string key, JsonElement e, Dictionary<string, ConfigValue> into, int depth)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object when depth < MaxDepth:
                foreach (var p in e.EnumerateObject())
                {
                    FlattenJson(key + "." + p.Name, p.Value, into, depth + 1);
                }

                break;
            case JsonValueKind.Number:
            case JsonValueKind.String when WandbJson.TryGetNumber(e, out _):
                into[key] = WandbJson.TryGetNumber(e, out var d) ? ConfigValue.Of(d) : ConfigValue.Of(e.GetRawText());
                break;
            case JsonValueKind.String:
                into[key] = ConfigValue.Of(e.GetString() ?? "");
                break;
            case JsonValueKind.True:
                into[key] = ConfigValue.Of(true);
                break;
            case JsonValueKind.False:
                into[key] = ConfigValue.Of(false);
                break;
            case JsonValueKind.Null:
                into[key] = ConfigValue.Null;
                break;
            default:
                into[key] = ConfigValue.Of(e.GetRawText());
                break;
        }
    }

    private static void FlattenYaml(string key, YamlNode node, Dictionary<string, ConfigValue> into, int depth)
    {
        switch (node)
        {
            case YamlScalarNode s:
                into[key] = s.Style is ScalarStyle.Plain or ScalarStyle.Any ? ConfigValue.Parse(s.Value) : ConfigValue.Of(s.Value ?? "");
                break;
            case YamlMappingNode m when depth < MaxDepth:
                foreach (var (k, v) in m.Children)
                {
                    if (into.Count >= MaxKeys)
                    {
                        return;
                    }

                    if (k is YamlScalarNode { Value: { Length: > 0 } sub })
                    {
                        FlattenYaml(key + "." + sub, v, into, depth + 1);
                    }
                }

                break;
            default:
                var sb = new StringBuilder();
                Text(node, sb, 0);
                into[key] = ConfigValue.Of(sb.Length > MaxText ? sb.ToString(0, MaxText) + "…" : sb.ToString());
                break;
        }
    }

    private static void Text(YamlNode node, StringBuilder sb, int depth)
    {
        if (depth > MaxDepth || sb.Length > MaxText)
        {
            sb.Append('…');
            return;
        }

        switch (node)
        {
            case YamlScalarNode s:
                sb.Append(s.Value ?? "null");
                break;
            case YamlSequenceNode seq:
                sb.Append('[');
                for (var i = 0; i < seq.Children.Count && sb.Length <= MaxText; i++)
                {
                    sb.Append(i == 0 ? "" : ", ");
                    Text(seq.Children[i], sb, depth + 1);
                }

                sb.Append(']');
                break;
            case YamlMappingNode m:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in m.Children)
                {
                    if (sb.Length > MaxText)
                    {
                        break;
                    }

                    sb.Append(first ? "" : ", ");
                    Text(k, sb, depth + 1);
                    sb.Append(": ");
                    Text(v, sb, depth + 1);
                    first = false;
                }

                sb.Append('}');
                break;
        }
    }

    private static string FirstLine(string message)
    {
        var nl = message.IndexOf('\n', StringComparison.Ordinal);
        return nl < 0 ? message : message[..nl];
    }
}
