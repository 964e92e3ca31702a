using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0719: audio files whose sample rate or channel count differs from the most common one.</summary>
internal sealed class AudioFormatCheck : AuditCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0719", "audio-format-mismatch", "Audio with a sample rate or channel count unlike the rest", RuleCategory.DataAudit, Severity.Warning, [], [typeof(DataAuditEvidence)]);

    internal override AuditCheckOutcome Evaluate(AuditCheckContext context)
    {
        var audio = context.Data.Examples.Where(e => e.Kind == "audio" && e.SampleRate is not null && e.Channels is not null).ToList();
        if (audio.Count == 0)
        {
            return AuditCheckOutcome.NotApplicable;
        }

        var rate = audio.GroupBy(e => e.SampleRate!.Value).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
        var channels = audio.GroupBy(e => e.Channels!.Value).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
        var odd = audio.Where(e => e.SampleRate != rate || e.Channels != channels).ToList();
        if (odd.Count == 0)
        {
            return AuditCheckContext.Nothing(audio.Count);
        }

        var formats = AuditCheckContext.CountBy(audio, e => $"{e.SampleRate} Hz × {e.Channels}");
        var evidence = new AudioFormatEvidence(audio.Count, odd.Count, rate, channels, formats);
        var issues = odd.Select(e => AuditCheckContext.Issue(e, $"{e.SampleRate} Hz, {e.Channels} channel{(e.Channels == 1 ? "" : "s")}; most files are {rate} Hz, {channels} channel{(channels == 1 ? "" : "s")}", e.SampleRate));
        return context.Found(audio.Count, Severity.Warning, 0.9,
            $"{odd.Count} of {audio.Count} audio files differ from the usual {rate} Hz, {channels} channel{(channels == 1 ? "" : "s")}",
            evidence, issues,
            "A feature extractor that assumes one sample rate reads other rates as pitched and stretched audio; stereo files given to a mono model may be averaged or cut to one channel without anyone noticing.",
            $"Resample every file to {rate} Hz and mix to {channels} channel{(channels == 1 ? "" : "s")} in preprocessing (or let the loader do it explicitly).");
    }
}
