using System.Text.Json;
using Runlens.Import.Core;
using Runlens.Model;

namespace Runlens.Import.Tabular;

/// <summary>
/// Keras <c>History.history</c> saved as JSON (see <see cref="KerasHistoryReader"/>). The step of the i-th value is i (the
/// 0-based epoch index, as Keras' CSVLogger writes it) unless the dump carries History's own <c>epoch</c> list;
/// <c>val_</c> names are validation values, bare names training values.
/// </summary>
internal sealed class KerasHistoryImporter : IRunImporter
{
    public const string FormatId = "keras-history";
    private const long MaxBytes = 1L << 30;
    private const int MaxPropertiesLooked = 16;
    private const int MaxFilesLooked = 64;

    private static readonly HashSet<string> KerasNames = new(StringComparer.Ordinal)
    {
        "loss", "val_loss", "accuracy", "val_accuracy", "acc", "val_acc", "lr", "learning_rate",
    };

    public string Format => FormatId;

    public int Detect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            return FindIn(path) is not null ? 75 : 0;
        }

        return IsCandidate(path) ? Sniff(path) : 0;
    }

    public async Task<ImportResult> ImportAsync(string path, ImportContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(context);
        if (Directory.Exists(path))
        {
            path = FindIn(path) ?? throw new RunImportException(path, null, "no Keras History JSON file in this folder",
                "point at the .json file the History was dumped to");
        }
        else if (!File.Exists(path))
        {
            throw new RunImportException(path, null, "no such file", "point at the .json file the History was dumped to");
        }

        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > MaxBytes)
            {
                throw new RunImportException(path, null, $"{length} bytes is more than a History dump holds", KerasHistoryReader.Hint);
            }

            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new RunImportException(path, null, "could not be read: " + ex.Message, "check that the file is readable", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new RunImportException(path, null, "access denied", "check the file's permissions", ex);
        }

        context.Report(path, bytes.Length, bytes.Length);
        var history = KerasHistoryReader.Read(bytes, path);
        return ImportResult.Of(Build(path, history));
    }

    private static Run Build(string path, KerasHistory history)
    {
        var collector = new SeriesCollector(n => MetricNames.Normalize(n, "train"));
        var events = new List<RunEvent>(history.Events);
        long? maxStep = null;
        var bookkeeping = new List<string>();
        foreach (var (name, values) in history.Lists)
        {
            if (Bookkeeping.Is(name))
            {
                bookkeeping.Add(name);
                continue;
            }

            for (var i = 0; i < values.Count; i++)
            {
                if (values[i] is not { } v)
                {
                    continue;
                }

                var epoch = history.Epochs is { } epochs && i < epochs.Count && epochs[i] is { } e && CellValue.Whole(e) is not null ? e : i;
                var step = (long)epoch;
                collector.Add(name, new SeriesPoint(step, v, epoch));
                maxStep = maxStep is { } m && m >= step ? m : step;
            }
        }

        foreach (var (name, count) in history.NotNumbers)
        {
            events.Add(new RunEvent(RunEventKind.Warning,
                $"{Path.GetFileName(path)}: '{name}' has {count} elements that are not numbers; they were skipped", File: path));
        }

        if (history.Ignored.Count > 0)
        {
            events.Add(new RunEvent(RunEventKind.Note,
                $"{Path.GetFileName(path)}: {string.Join(", ", history.Ignored.Take(10).Select(n => "'" + n + "'"))}"
                + (history.Ignored.Count > 10 ? $" and {history.Ignored.Count - 10} more" : "") + " ignored: not lists of numbers",
                File: path));
        }

        if (bookkeeping.Count > 0)
        {
            events.Add(new RunEvent(RunEventKind.Note,
                $"{Path.GetFileName(path)}: {JsonlMetricReader.Quote(bookkeeping)} count or time the training, not the model; they were not read as metrics",
                File: path));
        }

        if (collector.NameCount == 0)
        {
            var damage = history.Events.FirstOrDefault();
            throw new RunImportException(path, damage?.Location, history.Lists.Count == 0 ? "no list of numbers in the object" : "every list is empty",
                KerasHistoryReader.Hint);
        }

        var runName = RunNaming.ForFile(path);
        return new Run
        {
            Identity = new RunIdentity(RunIds.FromPath(path), runName, null, new RunSource(FormatId, path)),
            Config = RunConfig.From(history.Params),
            Series = collector.Build(),
            Trainer = new TrainerState { GlobalStep = maxStep },
            Events = [.. events],
        };
    }

    private static bool IsCandidate(string file) =>
        File.Exists(file) && TabularSniff.HasExtension(file, ".json")
        && !Path.GetFileName(file).Equals("trainer_state.json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The first .json file (by name) directly in <paramref name="folder"/> that looks like a History dump with
    /// Keras names.</summary>
    private static string? FindIn(string folder)
    {
        try
        {
            return Directory.EnumerateFiles(folder, "*.json")
                .Where(IsCandidate)
                .Order(StringComparer.Ordinal)
                .Take(MaxFilesLooked)
                .FirstOrDefault(f => Sniff(f) >= 80);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>80 when the first properties are lists of numbers (or a <c>history</c> object of them) and one has a Keras
    /// name; 30 for such lists without a Keras name; 0 otherwise.</summary>
    private static int Sniff(string path)
    {
        var head = Head(path);
        if (head is null)
        {
            return 0;
        }

        var start = PythonJson.BomLength(head);
        var json = head.AsSpan(start);
        var literals = PythonJson.RewriteNonFiniteLiterals(json);
        var reader = new Utf8JsonReader(json, isFinalBlock: json.Length < TabularSniff.HeadBytes - start, new JsonReaderState(PythonJson.ReaderOptions));
        var lists = 0;
        var keras = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return 0;
            }

            var looked = 0;
            while (looked++ < MaxPropertiesLooked && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString() ?? "";
                if (!reader.Read())
                {
                    break;
                }

                if (reader.TokenType == JsonTokenType.StartObject && name is "history")
                {
                    continue; // its properties follow as if they were at the top
                }

                if (reader.TokenType == JsonTokenType.StartObject && name is "params")
                {
                    if (!reader.TrySkip())
                    {
                        break;
                    }

                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartArray || !reader.Read())
                {
                    return 0;
                }

                if (!(PythonJson.TryReadNumber(ref reader, literals, out _) || reader.TokenType == JsonTokenType.EndArray))
                {
                    return 0;
                }

                lists++;
                keras |= KerasNames.Contains(name) || name.StartsWith("val_", StringComparison.Ordinal);
                if (reader.TokenType != JsonTokenType.EndArray && !SkipRestOfArray(ref reader))
                {
                    break;
                }
            }
        }
        catch (JsonException)
        {
            // damaged beyond what was seen: judge on that
        }
        catch (InvalidOperationException)
        {
        }

        return lists == 0 ? 0 : keras ? 80 : 30;
    }

    private static bool SkipRestOfArray(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return true;
            }

            if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject && !reader.TrySkip())
            {
                return false;
            }
        }

        return false;
    }

    private static byte[]? Head(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            var buffer = new byte[TabularSniff.HeadBytes];
            var n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return buffer[..n];
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
