using Runlens.Analysis.Diagnoses;
using Runlens.Live.Alerts.Detectors;
using Runlens.Model;
using static Runlens.Tests.Live.Alerts.AlertTestData;

namespace Runlens.Tests.Live.Alerts.Detectors;

/// <summary>One look of a detector, as the engine makes it.</summary>
internal static class DetectorTestData
{
    public static List<AlertCandidate> Look(IAlertDetector detector, Diagnosis diagnosis, DateTimeOffset now, DateTimeOffset? lastPointAt = null,
        bool running = true)
    {
        List<AlertCandidate> candidates = [];
        detector.Detect(new DetectorInput(diagnosis, now, lastPointAt, running), candidates);
        return candidates;
    }

    public static List<AlertCandidate> Look(IAlertDetector detector, Run run, DateTimeOffset? now = null) => Look(detector, Diag(run), now ?? T0);
}
