using System.Globalization;
using System.Text;
using Runlens.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Runlens.Import.TensorBoard;

/// <summary>Lightning's <c>hparams.yaml</c> (the <c>save_hyperparameters()</c> dict) beside the event files: nested
/// mappings become dotted keys, lists stay one value written as text.</summary>
internal static class TensorBoardConfigReader
{
    private const int MaxDepth = 16;
    private const int MaxKeys = 10_000;
    private const int MaxText = 4_096;

    /// <summary>Reads hparams.yaml. Throws <see cref="RunImportException"/> when it is not readable YAML.</summary>
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
                "not readable YAML: " + FirstLine(ex.Message), "the hyperparameters in it are skipped", ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            throw new RunImportException(file, null, "not readable YAML: " + FirstLine(ex.Message), "the hyperparameters in it are skipped", ex);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return result;
        }

        foreach (var (k, v) in root.Children)
        {
            if (k is YamlScalarNode { Value: { Length: > 0 } key })
            {
                Flatten(key, v, result, 0);
            }

            if (result.Count >= MaxKeys)
            {
                break;
            }
        }

        return result;
    }

    private static void Flatten(string key, YamlNode node, Dictionary<string, ConfigValue> into, int depth)
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
                        Flatten(key + "." + sub, v, into, depth + 1);
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
        if (sb.Length > MaxText || depth > MaxDepth)
        {
            return;
        }

        switch (node)
        {
            case YamlScalarNode s:
                sb.Append(s.Value);
                break;
            case YamlSequenceNode seq:
                sb.Append('[');
                var first = true;
                foreach (var item in seq.Children)
                {
                    if (!first)
                    {
                        sb.Append(", ");
                    }

                    first = false;
                    Text(item, sb, depth + 1);
                }

                sb.Append(']');
                break;
            case YamlMappingNode map:
                sb.Append('{');
                var firstPair = true;
                foreach (var (k, v) in map.Children)
                {
                    if (!firstPair)
                    {
                        sb.Append(", ");
                    }

                    firstPair = false;
                    Text(k, sb, depth + 1);
                    sb.Append(": ");
                    Text(v, sb, depth + 1);
                }

                sb.Append('}');
                break;
            default:
                sb.Append(node.ToString());
                break;
        }
    }

    private static string FirstLine(string message)
    {
        var nl = message.IndexOfAny(['\r', '\n']);
        return nl < 0 ? message : message[..nl];
    }
}
