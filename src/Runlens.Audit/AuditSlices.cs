using System.Collections.Immutable;
using System.Text.Json;
using Runlens.Analysis.Evaluation;
using Runlens.Audit.Results;

namespace Runlens.Audit;

/// <summary>
/// Turns each audited example's measured properties into slice values for the prediction rules (<c>runlens evaluate
/// --audit</c>): blurred or sharp, low resolution or not, flat or not, a copy or unique, its source folder, and buckets
/// of brightness, audio duration and text length. The flags come from the audit's own checks, so a slice uses the same
/// thresholds as the audit that made it.
/// </summary>
public static class AuditSlices
{
    public static ExampleProperties Properties(AuditExample e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var s = new SortedDictionary<string, string>(StringComparer.Ordinal);
        bool Has(string flag) => e.Flags.Contains(flag);
        if (e.Kind == "image" && e.Error is null)
        {
            s["image blur"] = Has("blurry-image") ? "blurred" : "sharp";
            s["image resolution"] = Has("low-resolution") || Has("tiny-image") ? "low resolution" : "full resolution";
            s["image content"] = Has("flat-image") ? "flat, black or white" : "normal";
            if (e.Brightness is { } b)
            {
                s["image brightness"] = b < 64 ? "dark (mean < 64)" : b > 192 ? "bright (mean > 192)" : "medium (64-192)";
            }
        }

        if (e.Kind == "audio" && e.Duration is { } d)
        {
            s["audio duration"] = d < 1 ? "< 1 s" : d < 5 ? "1-5 s" : d < 15 ? "5-15 s" : "≥ 15 s";
        }

        if (e.Kind == "text" && e.Tokens is { } t)
        {
            s["text length"] = Has("long-text") ? "over the token limit" : t < 32 ? "short (< 32 tokens)" : "within the limit";
        }

        s["copies"] = e.DuplicateOf is null ? "unique" : "a copy of another example";
        s["source folder"] = string.IsNullOrEmpty(e.Source) ? "(top)" : e.Source;
        return new ExampleProperties(e.Id, e.Path, s);
    }

    /// <summary>Reads the examples of a <c>runlens.audit/v1</c> file; anything else is an <see cref="AuditInputException"/>.</summary>
    public static ImmutableArray<AuditExample> ReadExamples(string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AuditInputException(path, $"cannot be read ({ex.Message})", "give the file runlens audit --format json wrote");
        }
        catch (JsonException ex)
        {
            throw new AuditInputException(path, $"not JSON (line {ex.LineNumber + 1}: {ex.Message.Split('.')[0]})", "give the file runlens audit --format json wrote");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("schema", out var schema) || schema.GetString() != "runlens.audit/v1"
                || !root.TryGetProperty("examples", out var examples) || examples.ValueKind != JsonValueKind.Array)
            {
                throw new AuditInputException(path, "not a runlens.audit/v1 document (no schema or examples)", "give the file runlens audit --format json wrote");
            }

            var list = ImmutableArray.CreateBuilder<AuditExample>();
            var n = 0;
            foreach (var x in examples.EnumerateArray())
            {
                n++;
                if (x.ValueKind != JsonValueKind.Object || Str(x, "id") is not { } id || Str(x, "path") is not { } p)
                {
                    throw new AuditInputException(path, $"example {n} has no id or path", "give the file runlens audit --format json wrote, unedited");
                }

                list.Add(new AuditExample(id, p, Str(x, "split") ?? "", Str(x, "kind") ?? "")
                {
                    Label = Str(x, "label"),
                    Source = Str(x, "source"),
                    Error = Str(x, "error"),
                    Brightness = Num(x, "brightness"),
                    Duration = Num(x, "duration"),
                    Tokens = Num(x, "tokens") is { } t ? (int)t : null,
                    DuplicateOf = Str(x, "duplicate_of"),
                    Flags = x.TryGetProperty("flags", out var f) && f.ValueKind == JsonValueKind.Array
                        ? [.. f.EnumerateArray().Select(v => v.GetString()).OfType<string>()]
                        : [],
                });
            }

            return list.ToImmutable();
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}
