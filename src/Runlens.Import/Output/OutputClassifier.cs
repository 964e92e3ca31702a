using System.Globalization;
using System.Text.RegularExpressions;
using Runlens.Model;

namespace Runlens.Import.Output;

/// <summary>
/// Reads a training process's console output (and how it ended) for what went wrong: CUDA out of memory (with the size
/// it tried to allocate), other CUDA, cuDNN and NCCL errors, Python tracebacks (exception type, message, last frame),
/// NaN or infinite losses reported in the text, and the exit: killed by a signal (exit code 137 is SIGKILL, usually the
/// kernel's out-of-memory killer) or a non-zero exit code. Each becomes an event of the run, with its line in the log.
/// </summary>
public static partial class OutputClassifier
{
    private const int MaxEventsPerKind = 5;

    /// <param name="lines">The output, line by line, in order.</param>
    /// <param name="file">The log's name, for the events' location.</param>
    /// <param name="exitCode">The process's exit code; on Unix a process killed by signal N ends with 128 + N.</param>
    /// <param name="sentBy">Who sent the signal that ended the process, when it is known (<c>runlens run</c> after a stop
    /// action: "runlens run on control a1: stop"); then that is the cause, not a guess.</param>
    public static IReadOnlyList<RunEvent> Classify(IReadOnlyList<string> lines, string file, int? exitCode, string? sentBy = null)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var events = new List<RunEvent>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        void Add(string kind, RunEventKind eventKind, string message, int line)
        {
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
            if (counts[kind] <= MaxEventsPerKind)
            {
                events.Add(new RunEvent(eventKind, message, null, file, $"line {(line + 1).ToString(CultureInfo.InvariantCulture)}"));
            }
        }

        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (Oom().IsMatch(line))
            {
                var size = Allocate().Match(line);
                Add("oom", RunEventKind.Error, $"CUDA out of memory{(size.Success ? $" (tried to allocate {size.Groups["size"].Value})" : "")}: lower the batch size per device (and raise gradient accumulation), or enable gradient checkpointing or mixed precision", i);
            }
            else if (CudaError().Match(line) is { Success: true } cuda)
            {
                Add("cuda", RunEventKind.Error, $"{cuda.Groups["what"].Value.Trim()}: {cuda.Groups["message"].Value.Trim()}", i);
            }
            else if (line.StartsWith("Traceback (most recent call last):", StringComparison.Ordinal))
            {
                var (message, end) = Traceback(lines, i);
                // an out-of-memory or CUDA exception is reported by its own line, more precisely
                if (message is not null && !Oom().IsMatch(lines[end]) && !CudaError().IsMatch(lines[end]))
                {
                    Add("traceback", RunEventKind.Error, message, end);
                }
            }
            else if (NonFinite().IsMatch(line))
            {
                Add("nan", RunEventKind.Warning, $"The output reports a non-finite value: {Shorten(line.Trim())}", i);
            }
        }

        if (exitCode is > 128 and < 160)
        {
            var signal = exitCode.Value - 128;
            events.Add(new RunEvent(RunEventKind.Error, sentBy is not null
                ? $"The process was stopped by signal {signal.ToString(CultureInfo.InvariantCulture)} ({SignalName(signal)}, exit code {exitCode.Value.ToString(CultureInfo.InvariantCulture)}{RunEvent.SignalSentBy}{sentBy}"
                : signal == 9
                ? "The process was killed by signal 9 (SIGKILL, exit code 137): usually the kernel's out-of-memory killer; check host memory (dmesg) and lower the data loader's workers or the batch size"
                : $"The process was killed by signal {signal.ToString(CultureInfo.InvariantCulture)} ({SignalName(signal)}, exit code {exitCode.Value.ToString(CultureInfo.InvariantCulture)})"));
        }
        else if (exitCode is { } code and not 0)
        {
            events.Add(new RunEvent(RunEventKind.Error, $"The process exited with code {code.ToString(CultureInfo.InvariantCulture)}"));
        }

        return events;
    }

    /// <summary>A traceback's exception type, message and last frame, and the line it ends on.</summary>
    private static (string? Message, int End) Traceback(IReadOnlyList<string> lines, int start)
    {
        string? frame = null;
        for (var i = start + 1; i < lines.Count && i < start + 500; i++)
        {
            var line = lines[i];
            if (Frame().Match(line) is { Success: true } f)
            {
                frame = $"{f.Groups["file"].Value}:{f.Groups["line"].Value} in {f.Groups["fn"].Value}";
                continue;
            }

            if (line.StartsWith(' ') || line.StartsWith('\t') || line.Length == 0)
            {
                continue; // the source line of a frame, or carets
            }

            var exception = Exception().Match(line);
            var type = exception.Success ? exception.Groups["type"].Value : line.Trim();
            var message = exception.Success ? exception.Groups["message"].Value.Trim() : "";
            return ($"{type}{(message.Length > 0 ? ": " + Shorten(message) : "")}{(frame is null ? "" : $" (last frame {frame})")}", i);
        }

        return (null, start);
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..297] + "..." : text;

    private static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        6 => "SIGABRT",
        9 => "SIGKILL",
        11 => "SIGSEGV, a crash in native code",
        15 => "SIGTERM",
        _ => "a signal",
    };

    [GeneratedRegex(@"CUDA out of memory|torch\.(?:cuda\.)?OutOfMemoryError")]
    private static partial Regex Oom();

    [GeneratedRegex(@"Tried to allocate (?<size>[\d.]+\s*[KMGT]i?B)")]
    private static partial Regex Allocate();

    [GeneratedRegex(@"(?<what>CUDA error|cuDNN error|CUBLAS_STATUS_\w+|NCCL error|CUDNN_STATUS_\w+)\s*:?\s*(?<message>.*)")]
    private static partial Regex CudaError();

    [GeneratedRegex(@"^\s+File ""(?<file>[^""]+)"", line (?<line>\d+), in (?<fn>.+)$")]
    private static partial Regex Frame();

    [GeneratedRegex(@"^(?<type>[A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit|Warning)?)(?::\s*(?<message>.*))?$")]
    private static partial Regex Exception();

    [GeneratedRegex(@"(?i)\b(?:loss|grad(?:_norm|ient)?s?)\b[^\n]{0,40}?[=:]?\s*[-+]?\b(?:nan|inf(?:inity)?)\b|(?i)\b(?:nan|inf)\b (?:loss|values?|gradients?) (?:detected|encountered|found)|(?i)detected (?:nan|inf)")]
    private static partial Regex NonFinite();
}
