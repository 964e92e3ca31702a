using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Runlens.Import.Mlflow;

/// <summary>
/// The top-level scalar entries of an MLflow <c>meta.yaml</c> (run or experiment), with the line of each value. Read
/// from YamlDotNet's event stream without building a document tree: nested values (<c>tags: []</c>) are skipped by depth,
/// so no input can recurse deeply.
/// </summary>
internal sealed class MlflowMeta
{
    public const string FileName = "meta.yaml";
    private const long MaxBytes = 1 << 20;

    private readonly Dictionary<string, (string? Value, int Line)> _values;

    private MlflowMeta(string file, Dictionary<string, (string? Value, int Line)> values)
    {
        File = file;
        _values = values;
    }

    public string File { get; }

    public bool Has(string key) => _values.ContainsKey(key);

    /// <summary>The scalar text of <paramref name="key"/>; null when absent, null, empty or not a scalar.</summary>
    public string? Text(string key) =>
        _values.TryGetValue(key, out var v) && !string.IsNullOrEmpty(v.Value) ? v.Value : null;

    public int LineOf(string key) => _values.TryGetValue(key, out var v) ? v.Line : 0;

    /// <summary>An integer entry (MLflow writes times in ms and status codes as plain integers).</summary>
    /// <returns>null when absent or null; throws <see cref="RunImportException"/> when present but not an integer.</returns>
    public long? Integer(string key)
    {
        var text = Text(key);
        if (text is null || text is "null" or "~" or "None")
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        throw new RunImportException(File, Line(LineOf(key)), $"'{key}' is not an integer ('{Short(text)}')", "the value is ignored");
    }

    /// <summary>Reads <paramref name="file"/>. Throws <see cref="RunImportException"/> naming the line when it is not a
    /// readable YAML mapping.</summary>
    public static MlflowMeta Read(string file)
    {
        string text;
        try
        {
            var info = new FileInfo(file);
            if (info.Length > MaxBytes)
            {
                throw new RunImportException(file, null, $"{info.Length} bytes, far more than an MLflow meta.yaml holds", "check the file");
            }

            text = System.IO.File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RunImportException(file, null, "cannot be read: " + ex.Message, "check the file's permissions", ex);
        }

        var values = new Dictionary<string, (string? Value, int Line)>(StringComparer.Ordinal);
        var lastLine = 1;
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                throw new RunImportException(file, null, "empty", "MLflow writes the run's id, status and times here");
            }

            parser.Consume<DocumentStart>();
            if (!parser.TryConsume<MappingStart>(out _))
            {
                var at = (int)(parser.Current?.Start.Line ?? 1);
                throw new RunImportException(file, Line(at), "not a YAML mapping of keys to values", "MLflow writes 'key: value' lines here");
            }

            while (!parser.TryConsume<MappingEnd>(out _))
            {
                lastLine = (int)(parser.Current?.Start.Line ?? lastLine);
                if (parser.TryConsume<Scalar>(out var key))
                {
                    if (parser.TryConsume<Scalar>(out var value))
                    {
                        values[key.Value] = (value.Style == ScalarStyle.Plain && value.Value is "null" or "~" ? null : value.Value, (int)value.Start.Line);
                    }
                    else
                    {
                        values[key.Value] = (null, (int)(parser.Current?.Start.Line ?? key.Start.Line));
                        Skip(parser, ref lastLine);
                    }
                }
                else
                {
                    // a complex key: skip it and its value
                    Skip(parser, ref lastLine);
                    Skip(parser, ref lastLine);
                }
            }
        }
        catch (YamlException ex)
        {
            throw new RunImportException(file, Line(ex.Start.Line > 0 ? (int)ex.Start.Line : lastLine), "not readable YAML: " + FirstLine(ex.Message), "check the file", ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or OverflowException or EndOfStreamException)
        {
            // YamlDotNet reports some malformed input this way, without a position: name the last line it got to
            throw new RunImportException(file, Line(lastLine), "not readable YAML (malformed after this line)", "check the file", ex);
        }

        return new MlflowMeta(file, values);
    }

    /// <summary>Skips one node (a scalar, an alias, or a whole sequence or mapping) without recursion.</summary>
    private static void Skip(IParser parser, ref int lastLine)
    {
        var depth = 0;
        do
        {
            var current = parser.Current ?? throw new YamlException("unexpected end of the YAML stream");
            depth += current.NestingIncrease;
            lastLine = (int)current.Start.Line;
            if (!parser.MoveNext())
            {
                throw new YamlException("unexpected end of the YAML stream");
            }
        }
        while (depth > 0);
    }

    public static string? Line(int line) => line > 0 ? string.Create(CultureInfo.InvariantCulture, $"line {line}") : null;

    private static string Short(string text) => text.Length > 40 ? text[..40] + "…" : text;

    private static string FirstLine(string message)
    {
        var nl = message.IndexOf('\n', StringComparison.Ordinal);
        var m = nl < 0 ? message : message[..nl];
        return m.TrimEnd('.');
    }
}
