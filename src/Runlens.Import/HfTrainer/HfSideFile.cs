using System.Globalization;
using System.Text.Json.Nodes;
using Runlens.Import.Core;
using Runlens.Model;

namespace Runlens.Import.HfTrainer;

/// <summary>
/// A small JSON object beside a Trainer run (<c>config.json</c>, <c>adapter_config.json</c>, <c>training_args.json</c>,
/// <c>*_results.json</c>), read by <see cref="PythonJson"/> and flattened by <see cref="ConfigFlattener"/> under a prefix.
/// Label maps (<c>id2label</c>, <c>label2id</c>) are left out; their size is kept as <c>num_labels</c> when the file has
/// none.
/// </summary>
internal static class HfSideFile
{
    /// <summary>Flattens <paramref name="bytes"/> (rewritten in place) under <paramref name="prefix"/>. Damage after some keys were
    /// read is returned as an event, with those keys; damage before any key throws <see cref="RunImportException"/>.</summary>
    public static (Dictionary<string, ConfigValue> Values, RunEvent? Damage) Read(byte[] bytes, string prefix, string file)
    {
        var root = PythonJson.Parse(bytes, out var damage);
        if (root is not JsonObject o)
        {
            throw new RunImportException(file, damage?.Location ?? "offset 0", damage is null ? "not a JSON object" : "invalid JSON: " + damage.Cause,
                "expected the JSON object the Hugging Face Trainer writes");
        }

        DropLabelMaps(o, 0);
        var values = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        ConfigFlattener.Flatten(prefix.TrimEnd('.'), o, values);
        if (damage is null)
        {
            return (values, null);
        }

        return (values, new RunEvent(RunEventKind.ImportDamage,
            string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(file)} is damaged ({damage.Cause}); {values.Count} values read before it were kept"),
            File: file, Location: damage.Location));
    }

    /// <summary>Removes <c>id2label</c>/<c>label2id</c> at every level, keeping their size as <c>num_labels</c>.</summary>
    private static void DropLabelMaps(JsonObject o, int depth)
    {
        int? labels = null;
        foreach (var name in new[] { "id2label", "label2id" })
        {
            if (o.TryGetPropertyValue(name, out var map))
            {
                labels ??= map is JsonObject m ? m.Count : null;
                o.Remove(name);
            }
        }

        if (labels is > 0 && !o.ContainsKey("num_labels"))
        {
            o["num_labels"] = labels.Value;
        }

        if (depth < ConfigFlattener.MaxDepth)
        {
            foreach (var (_, child) in o)
            {
                if (child is JsonObject inner)
                {
                    DropLabelMaps(inner, depth + 1);
                }
            }
        }
    }
}
