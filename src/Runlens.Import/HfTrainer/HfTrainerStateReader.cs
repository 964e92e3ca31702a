using Runlens.Import.Core;
using System.Globalization;
using System.Text.Json;
using Runlens.Model;

namespace Runlens.Import.HfTrainer;

/// <summary>
/// Reads a <c>trainer_state.json</c> in one forward pass of <see cref="Utf8JsonReader"/> (no DOM), so a million-entry
/// <c>log_history</c> costs the file's bytes plus the series. A truncated or corrupt file keeps every complete log entry
/// read before the fault and reports the fault as an <see cref="RunEventKind.ImportDamage"/> event.
/// </summary>
internal static class HfTrainerStateReader
{
    private const string Hint = "a trainer_state.json is the JSON object the Hugging Face Trainer saves with global_step and log_history";

    /// <summary>Reads <paramref name="bytes"/> (rewritten in place: see <see cref="PythonJson"/>).</summary>
    public static HfTrainerStateFile Read(byte[] bytes, string file, CancellationToken cancellationToken)
    {
        var result = new HfTrainerStateFile();
        var start = PythonJson.BomLength(bytes);
        var json = bytes.AsSpan(start);
        var literals = PythonJson.RewriteNonFiniteLiterals(json);
        var reader = new Utf8JsonReader(json, PythonJson.ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new RunImportException(file, "offset " + (start + reader.TokenStartIndex).ToString(CultureInfo.InvariantCulture),
                    "not a JSON object", Hint);
            }

            ReadTop(ref reader, result, literals, cancellationToken);
        }
        catch (JsonException ex)
        {
            Fail(result, file, ex, PythonJson.Describe(ex), start + reader.BytesConsumed, ex.LineNumber);
        }
        catch (InvalidOperationException ex)
        {
            // invalid UTF-8 in a name or string
            Fail(result, file, ex, ex.Message.TrimEnd('.'), start + reader.BytesConsumed, null);
        }

        return result;
    }

    private static void Fail(HfTrainerStateFile result, string file, Exception ex, string cause, long offset, long? line)
    {
        var location = "offset " + offset.ToString(CultureInfo.InvariantCulture)
            + (line is { } l ? ", line " + (l + 1).ToString(CultureInfo.InvariantCulture) : "");
        if (!result.SawField && result.LogEntries == 0)
        {
            throw new RunImportException(file, location, "invalid JSON: " + cause, Hint, ex);
        }

        result.Events.Add(new RunEvent(RunEventKind.ImportDamage,
            $"trainer_state.json is damaged ({cause}); the {result.LogEntries} log entries read before it were kept",
            File: file, Location: location));
    }

    private static void ReadTop(ref Utf8JsonReader reader, HfTrainerStateFile result, Dictionary<long, double>? literals, CancellationToken ct)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "log_history":
                    ReadLogHistory(ref reader, result, literals, ct);
                    break;
                case "stateful_callbacks":
                    ReadCallbacks(ref reader, result, literals);
                    break;
                case "global_step":
                    result.GlobalStep = Whole(ref reader);
                    break;
                case "epoch":
                    result.Epoch = Number(ref reader, literals);
                    break;
                case "max_steps":
                    result.MaxSteps = Whole(ref reader);
                    break;
                case "num_train_epochs":
                    result.NumTrainEpochs = Number(ref reader, literals);
                    break;
                case "logging_steps":
                    result.LoggingSteps = Whole(ref reader);
                    break;
                case "eval_steps":
                    result.EvalSteps = Whole(ref reader);
                    break;
                case "save_steps":
                    result.SaveSteps = Whole(ref reader);
                    break;
                case "train_batch_size":
                    result.TrainBatchSize = Whole(ref reader);
                    break;
                case "best_metric":
                    result.BestMetric = Number(ref reader, literals);
                    break;
                case "best_global_step":
                    result.BestGlobalStep = Whole(ref reader);
                    break;
                case "best_model_checkpoint":
                    result.BestModelCheckpoint = reader.TokenType == JsonTokenType.String ? reader.GetString() : Skip(ref reader);
                    break;
                case "is_local_process_zero":
                    result.IsLocalProcessZero = Bool(ref reader);
                    break;
                default:
                    reader.Skip();
                    break;
            }

            result.SawField = true;
        }
    }

    private static void ReadLogHistory(ref Utf8JsonReader reader, HfTrainerStateFile result, Dictionary<long, double>? literals, CancellationToken ct)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        var names = new HfPropertyNames();
        var values = new List<(string Name, double Value)>(16);
        long lastStep = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            values.Clear();
            long? step = null;
            var epoch = double.NaN;
            var position = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = names.Get(ref reader, position++);
                reader.Read();
                if (name == "step")
                {
                    step = PythonJson.ReadWhole(ref reader);
                }
                else if (name == "epoch")
                {
                    if (PythonJson.TryReadNumber(ref reader, literals, out var e))
                    {
                        epoch = e;
                    }
                }
                else if (PythonJson.TryReadNumber(ref reader, literals, out var v))
                {
                    values.Add((name, v));
                }
                else
                {
                    reader.Skip();
                }
            }

            lastStep = step ?? lastStep;
            Commit(result, values, lastStep, epoch);
            if ((++result.LogEntries & 0x3FFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
        }
    }

    private static void Commit(HfTrainerStateFile result, List<(string Name, double Value)> values, long step, double epoch)
    {
        var summary = false;
        foreach (var (name, _) in values)
        {
            if (name is "train_runtime" or "total_flos" or "train_loss")
            {
                summary = true;
                break;
            }
        }

        if (summary)
        {
            // The closing entry: its train_loss is the run's mean loss and would collide with the per-log loss.
            result.HasSummaryEntry = true;
            foreach (var (name, value) in values)
            {
                result.Summary[name] = value;
            }

            return;
        }

        foreach (var (name, value) in values)
        {
            result.Series.Add(name, step, value, epoch);
        }
    }

    private static void ReadCallbacks(ref Utf8JsonReader reader, HfTrainerStateFile result, Dictionary<long, double>? literals)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var callback = reader.GetString() ?? "";
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                // several callbacks of one class are saved as a list
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    ReadCallback(ref reader, callback, result, literals);
                }
            }
            else
            {
                ReadCallback(ref reader, callback, result, literals);
            }
        }
    }

    private static void ReadCallback(ref Utf8JsonReader reader, string callback, HfTrainerStateFile result, Dictionary<long, double>? literals)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        if (callback == "EarlyStoppingCallback")
        {
            result.HasEarlyStoppingCallback = true;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            reader.Read(); // "args" or "attributes": both hold flat name → value objects
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "early_stopping_patience":
                        result.EarlyStoppingPatience = Int(PythonJson.ReadWhole(ref reader));
                        break;
                    case "early_stopping_patience_counter":
                        result.EarlyStoppingPatienceCounter = Int(PythonJson.ReadWhole(ref reader));
                        break;
                    case "early_stopping_threshold":
                        result.EarlyStoppingThreshold = Number(ref reader, literals);
                        break;
                    case "should_training_stop" when callback == "TrainerControl":
                        result.ShouldTrainingStop = Bool(ref reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
    }

    private static int? Int(long? value) => value is >= int.MinValue and <= int.MaxValue ? (int)value.Value : null;

    private static long? Whole(ref Utf8JsonReader reader)
    {
        var v = PythonJson.ReadWhole(ref reader);
        reader.Skip();
        return v;
    }

    private static double? Number(ref Utf8JsonReader reader, Dictionary<long, double>? literals)
    {
        if (PythonJson.TryReadNumber(ref reader, literals, out var v))
        {
            return v;
        }

        reader.Skip();
        return null;
    }

    private static bool? Bool(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            default:
                reader.Skip();
                return null;
        }
    }

    private static string? Skip(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return null;
    }
}
