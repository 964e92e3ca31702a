using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Runlens.Analysis.Rules;

/// <summary>
/// Rule options from a YAML file (<c>runlens.yaml</c>):
/// <code>
/// rules:
///   overfitting:
///     min_rise: 0.1
///   early-stopping:
///     patience: 5
/// </code>
/// Unknown rules or options and non-numbers are errors naming the file and line.
/// </summary>
public static class RuleSettingsFile
{
    /// <summary>The file looked for in the working directory when no <c>--config</c> is given.</summary>
    public const string DefaultName = "runlens.yaml";

    /// <summary>The section of the same file that holds <c>runlens serve</c>'s options; the rule options ignore it.</summary>
    public const string ServeSection = "serve";

    /// <summary>The file's assignments as <c>slug.option=value</c>, each with its origin (<c>FILE: line N</c>).</summary>
    public static IReadOnlyList<(string Origin, string Assignment)> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new FormatException($"{path}: line {ex.Start.Line}: not valid YAML: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"{path}: cannot read the options file: {ex.Message}");
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet stops with these (not a YamlException) on some malformed documents (found by fuzzing)
            throw new FormatException($"{path}: not valid YAML (the reader could not make sense of its structure); check the indentation and brackets, e.g. rules: {{overfitting: {{min_rise: 0.1}}}}");
        }

        var result = new List<(string, string)>();
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return result;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw Error(path, stream.Documents[0].RootNode, "expected a mapping with a 'rules' key");
        }

        foreach (var (key, value) in root.Children)
        {
            if (key is YamlScalarNode { Value: ServeSection })
            {
                continue; // runlens serve's own options, read by the server
            }

            if (key is not YamlScalarNode { Value: "rules" })
            {
                throw Error(path, key, $"unknown key '{key}'; the file holds 'rules: {{rule-slug: {{option: value}}}}' (and 'serve:' with runlens serve's options)");
            }

            if (value is not YamlMappingNode rules)
            {
                throw Error(path, value, "'rules' must map rule slugs to their options");
            }

            foreach (var (slug, options) in rules.Children)
            {
                if (options is not YamlMappingNode optionMap)
                {
                    throw Error(path, options, $"rule '{slug}' must map option names to numbers");
                }

                foreach (var (name, v) in optionMap.Children)
                {
                    var text = (v as YamlScalarNode)?.Value;
                    if (text is null || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    {
                        throw Error(path, v, $"{slug}.{name} must be a number");
                    }

                    result.Add(($"{path}: line {v.Start.Line}:", $"{slug}.{name}={text}"));
                }
            }
        }

        return result;
    }

    private static FormatException Error(string path, YamlNode node, string cause) =>
        new($"{path}: line {node.Start.Line}: {cause}");
}
