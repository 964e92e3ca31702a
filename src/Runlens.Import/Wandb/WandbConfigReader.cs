using System.Text.Json.Nodes;
using Runlens.Import.Core;
using Runlens.Import.Wandb.Proto;
using Runlens.Model;

namespace Runlens.Import.Wandb;

/// <summary>
/// W&amp;B run config: the config items of the transaction log (<c>value_json</c>, one JSON value per top-level key) and
/// <c>config.yaml</c> (each top-level key a <c>{desc, value}</c> wrapper), both flattened by <see cref="ConfigFlattener"/>
/// as every format's config is. W&amp;B's own entries (<c>_wandb</c>, <c>wandb_version</c>) are left out.
/// </summary>
internal static class WandbConfigReader
{
    /// <summary>Applies config items from the transaction log (updates, then removals).</summary>
    public static void Apply(WandbConfigRecord record, Dictionary<string, ConfigValue> into)
    {
        foreach (var item in record.Update)
        {
            var key = WandbItems.Name(item);
            if (key.Length == 0 || IsOwn(key))
            {
                continue;
            }

            foreach (var k in into.Keys.Where(k => k.StartsWith(key + ".", StringComparison.Ordinal)).ToList())
            {
                into.Remove(k); // a value replaced by a new one of another shape
            }

            var node = PythonJson.Parse(item.ValueJson, out var damage);
            if (damage is null)
            {
                ConfigFlattener.Flatten(key, node, into);
            }
            else
            {
                into[key] = ConfigValue.Of(item.ValueJson); // not JSON: kept as written
            }
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

    /// <summary>The config of a <c>config.yaml</c> tree: each top-level <c>{desc, value}</c> wrapper stands for its
    /// value (an older plain value stands for itself).</summary>
    public static Dictionary<string, ConfigValue> FromYaml(JsonNode? root)
    {
        var into = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        if (root is not JsonObject o)
        {
            return into;
        }

        foreach (var (key, node) in o)
        {
            if (IsOwn(key))
            {
                continue;
            }

            var wrapped = node is JsonObject w && w.ContainsKey("value") && w.All(p => p.Key is "value" or "desc");
            ConfigFlattener.Flatten(key, wrapped ? node!["value"] : node, into);
        }

        return into;
    }

    private static bool IsOwn(string key) => key is "_wandb" or "wandb_version" || key.StartsWith("_wandb.", StringComparison.Ordinal);
}
