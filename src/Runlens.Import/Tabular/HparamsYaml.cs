using System.Globalization;
using System.Text;
using Runlens.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Runlens.Import.Tabular;

/// <summary>
/// Lightning's <c>hparams.yaml</c> (what <c>save_hyperparameters()</c> saved): nested mappings become dotted keys, lists
/// stay one value written as text, Python tags (<c>!!python/object…</c>) are read as the mapping or scalar they tag.
/// <c>{}</c> and an empty file are valid and give no keys.
/// </summary>
internal static class HparamsYaml
{
    public const long MaxBytes = 4 << 20;
    private const int MaxDepth = 16;
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
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            return (RunConfig.Empty, Damage(file, "line " + ex.Start.Line.ToString(CultureInfo.InvariantCulture), ex.Message));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or InvalidCastException)
        {
            // YamlDotNet throws these instead of a YamlException for some malformed input (and for duplicate keys)
            return (RunConfig.Empty, Damage(file, null, ex.Message));
        }

        var values = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root)
        {
            Flatten("", root, values, 0);
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

    private static void Flatten(string prefix, YamlMappingNode node, Dictionary<string, ConfigValue> into, int depth)
    {
        foreach (var (k, v) in node.Children)
        {
            if (into.Count >= MaxKeys)
            {
                return;
            }

            if (k is not YamlScalarNode { Value: { Length: > 0 } name })
            {
                continue;
            }

            var key = prefix + name;
            switch (v)
            {
                case YamlScalarNode s:
                    into[key] = s.Style is ScalarStyle.Plain or ScalarStyle.Any ? ConfigValue.Parse(s.Value) : ConfigValue.Of(s.Value ?? "");
                    break;
                case YamlMappingNode m when depth < MaxDepth:
                    Flatten(key + ".", m, into, depth + 1);
                    break;
                default:
                    var sb = new StringBuilder();
                    Text(v, sb, 0);
                    into[key] = ConfigValue.Of(sb.Length > MaxText ? sb.ToString(0, MaxText) + "…" : sb.ToString());
                    break;
            }
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
}
