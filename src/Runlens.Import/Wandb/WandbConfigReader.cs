using System.Globalization;
using System.Text;
using System.Text.Json;
using Runlens.Import.Wandb.Proto;
using Runlens.Model;

namespace Runlens.Import.Wandb;

/// <summary>
/// W&amp;B run config from the config items of the transaction log (<c>value_json</c>): nested values become dotted keys,
/// lists stay one value written as text. <c>files/config.yaml</c> is read by <see cref="Yaml.YamlConfig"/>.
/// </summary>
internal static class WandbConfigReader
{
    private const int MaxDepth = 16;
    private const int MaxKeys = 10_000;
    private const int MaxText = 4_096;

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
}
