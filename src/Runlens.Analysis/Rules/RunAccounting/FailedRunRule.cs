using Runlens.Analysis.Findings;
using Runlens.Model;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>RL0405: the run ended in an error (failed or killed status, an error event: OOM, CUDA error, exception).</summary>
public sealed class FailedRunRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0405", "failed-run", "The run ended in an error", RuleCategory.RunAccounting, Severity.Error, [],
        [typeof(FailedRunEvidence)]);

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run.Run;
        var errors = run.Events.Where(e => e.Kind == RunEventKind.Error).ToList();
        if (run.Status is not (RunStatus.Failed or RunStatus.Killed) && errors.Count == 0)
        {
            yield break;
        }

        var text = string.Join(" ", errors.Select(e => e.Message));
        var cause = Classify(text, run.Status);
        var lastStep = run.Series.Values.Where(s => s.Count > 0).Select(s => s.Last.Step).DefaultIfEmpty(0).Max();
        var evidence = new FailedRunEvidence(
            Status: run.Status.ToString().ToLowerInvariant(),
            Cause: cause,
            Errors: [.. errors.Take(3).Select(e => e.Message)],
            ErrorStep: errors.FirstOrDefault(e => e.Step is not null)?.Step,
            LastStep: lastStep,
            LastCheckpoint: run.Checkpoints.IsEmpty ? null : run.Checkpoints[^1].Path);

        var vocab = new TrainerVocabulary(run);
        var recs = new List<Recommendation>();
        switch (cause)
        {
            case "out-of-memory":
                var batch = run.Config.Number("per_device_train_batch_size", "batch_size", "train_batch_size");
                var accum = run.Config.Number("gradient_accumulation_steps", "accumulate_grad_batches") ?? 1;
                recs.Add(batch is { } b && b >= 2
                    ? Recommendation.Do($"Halve the batch per device ({Format.Number(b)} → {Format.Number(Math.Floor(b / 2))}) and double gradient accumulation ({Format.Number(accum)} → {Format.Number(accum * 2)}) to keep the effective batch.",
                        vocab.Change(run.Config.Get("per_device_train_batch_size") is not null ? "per_device_train_batch_size" : "batch_size", Math.Floor(b / 2)),
                        vocab.Change(vocab.Kind == "lightning" ? "accumulate_grad_batches" : "gradient_accumulation_steps", accum * 2))
                    : Recommendation.Do("Lower the batch size per device and raise gradient accumulation to keep the effective batch."));
                recs.Add(Recommendation.Do("Turn on gradient checkpointing and bf16 mixed precision to cut activation memory.",
                    vocab.IsHf ? [vocab.Change("gradient_checkpointing", true), vocab.Change("bf16", true)] : []));
                break;
            case "cuda-error":
                recs.Add(Recommendation.Do("Rerun with CUDA_LAUNCH_BLOCKING=1 to get the failing operation; check label ids against the number of classes and the inputs against the embedding size (device-side asserts), then the driver and hardware."));
                break;
            case "stopped":
                var by = errors.Select(e => e.Message).First(m => m.Contains(RunEvent.SignalSentBy, StringComparison.Ordinal));
                recs.Add(Recommendation.Do($"The run was stopped on purpose, by {by[(by.IndexOf(RunEvent.SignalSentBy, StringComparison.Ordinal) + RunEvent.SignalSentBy.Length)..]}: act on the finding that led to the stop (or raise the limit that stopped it), then rerun."));
                break;
            case "killed":
                recs.Add(Recommendation.Do("The process was stopped from outside (time limit, pre-emption, host out of memory): check the scheduler's logs and host memory, and save checkpoints often enough to resume."));
                break;
            default:
                recs.Add(Recommendation.Do(errors.Any(e => !e.Message.StartsWith("MLflow marks", StringComparison.Ordinal))
                    ? "Fix the error reported above, and check the last steps' metrics for NaN or unusual values that led up to it."
                    : "Find the error in the run's own output (stderr, the trainer's log), fix it, and check the last steps' metrics for NaN or unusual values that led up to it."));
                break;
        }

        if (!run.Checkpoints.IsEmpty)
        {
            recs.Add(Recommendation.Do($"Resume from the last checkpoint ({run.Checkpoints[^1].Path}, step {Format.Step(run.Checkpoints[^1].Step)}) instead of starting over."));
        }

        var first = errors.FirstOrDefault()?.Message;
        yield return context.Finding(
            Severity.Error,
            errors.Count > 0 ? 0.95 : 0.85,
            first is null
                ? $"The run ended {run.Status.ToString().ToLowerInvariant()} after step {Format.Step(lastStep)}"
                : $"The run failed ({cause}): {Trim(first)}",
            evidence,
            errors.Where(e => e.Step is not null).Select(e => e.Step!.Value).Take(3),
            recs,
            cause switch
            {
                "out-of-memory" => "The model, batch and activations did not fit in device memory.",
                "cuda-error" => "A CUDA error stopped the run; device-side asserts usually come from out-of-range indices (labels, token ids).",
                "killed" => "The run did not finish on its own.",
                "stopped" => "The run did not finish: it was stopped on purpose, so its final metrics are not the ones it would have reached.",
                _ => "The run stopped on an error before finishing: its final metrics are not the ones it would have reached.",
            });
    }

    private static string Classify(string text, RunStatus status)
    {
        if (text.Contains(RunEvent.SignalSentBy, StringComparison.Ordinal))
        {
            return "stopped";
        }

        if (text.Contains("out of memory", StringComparison.OrdinalIgnoreCase) || text.Contains("OutOfMemory", StringComparison.OrdinalIgnoreCase)
            || text.Contains("OOM", StringComparison.Ordinal))
        {
            return "out-of-memory";
        }

        if (text.Contains("CUDA", StringComparison.Ordinal) || text.Contains("NCCL", StringComparison.Ordinal) || text.Contains("cuDNN", StringComparison.OrdinalIgnoreCase))
        {
            return "cuda-error";
        }

        return status == RunStatus.Killed || text.Contains("SIGKILL", StringComparison.Ordinal) || text.Contains("Killed", StringComparison.Ordinal)
            ? "killed"
            : "error";
    }

    private static string Trim(string message)
    {
        var line = message.Split('\n')[0].Trim();
        return line.Length <= 160 ? line : line[..157] + "...";
    }
}
