using System.Text.Json;
using Runlens.Import.Core;
using Runlens.Model;

namespace Runlens.Import.Tabular;

/// <summary>
/// A JSON Lines metric log (<c>.jsonl</c>, <c>.ndjson</c>): one object per logged step (see <see cref="JsonlMetricReader"/>).
/// Detected below the specific formats.
/// </summary>
internal sealed class JsonlMetricsImporter : IRunImporter
{
    public const string FormatId = "jsonl";

    public string Format => FormatId;

    public int Detect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path) || !TabularSniff.HasExtension(path, ".jsonl", ".ndjson"))
        {
            return 0;
        }

        var head = TabularSniff.Head(path);
        if (head is null)
        {
            return 0;
        }

        var first = head.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
        if (first is null)
        {
            return 5; // empty: nobody else wants it, and importing it gives the precise error
        }

        if (!first.StartsWith('{'))
        {
            return 0;
        }

        var bytes = System.Text.Encoding.UTF8.GetBytes(first);
        var literals = PythonJson.RewriteNonFiniteLiterals(bytes);
        var reader = new Utf8JsonReader(bytes, PythonJson.ReaderOptions);
        var numbers = 0;
        var step = false;
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString() ?? "";
                reader.Read();
                if (PythonJson.TryReadNumber(ref reader, literals, out _))
                {
                    numbers++;
                    step |= Bookkeeping.StepNames.Contains(name) || name == "epoch";
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // a first line cut by the sniff window or damaged: judge on what was seen
        }
        catch (InvalidOperationException)
        {
        }

        return numbers == 0 ? 0 : step ? 35 : 25;
    }

    public async Task<ImportResult> ImportAsync(string path, ImportContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(context);
        if (!File.Exists(path))
        {
            throw new RunImportException(path, null, Directory.Exists(path) ? "a folder, not a JSON Lines file" : "no such file",
                "point at the .jsonl metric log");
        }

        var table = await JsonlMetricReader.ReadAsync(path, JsonlMetricReader.Generic, context, cancellationToken).ConfigureAwait(false);
        return ImportResult.Of(RunOf(path, table));
    }

    /// <summary>The run a table read from <paramref name="path"/> makes (also the run of a tailed log, read so far).</summary>
    internal static Run RunOf(string path, MetricTable table) => table.FileRun(path, FormatId);
}
