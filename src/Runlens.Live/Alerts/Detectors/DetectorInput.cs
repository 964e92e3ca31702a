using Runlens.Analysis.Diagnoses;
using Runlens.Model;

namespace Runlens.Live.Alerts.Detectors;

/// <summary>One look at the run, as every detector sees it.</summary>
/// <param name="Diagnosis">The latest diagnosis; its <see cref="Diagnosis.Run"/> holds the series.</param>
/// <param name="Now">The current time (detectors read no clock).</param>
/// <param name="LastPointAt">When the newest point arrived, if the caller knows.</param>
/// <param name="Running">Whether the run is still going.</param>
internal sealed record DetectorInput(Diagnosis Diagnosis, DateTimeOffset Now, DateTimeOffset? LastPointAt, bool Running)
{
    public Run Run => Diagnosis.Run;
}
