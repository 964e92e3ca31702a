namespace Runlens.Analysis.Rules;

/// <summary>The catalogue's sections (the hundreds digit of a rule id).</summary>
public enum RuleCategory
{
    /// <summary>RL01xx: learning dynamics (overfitting, checkpoints, convergence).</summary>
    LearningDynamics = 1,
    /// <summary>RL02xx: optimisation (learning rate, gradients).</summary>
    Optimisation = 2,
    /// <summary>RL03xx: data and labels (from predictions).</summary>
    DataAndLabels = 3,
    /// <summary>RL04xx: run accounting and integrity.</summary>
    RunAccounting = 4,
    /// <summary>RL05xx: telemetry.</summary>
    Telemetry = 5,
    /// <summary>RL06xx: across runs.</summary>
    AcrossRuns = 6,
    /// <summary>RL07xx: data audit (the dataset itself: unreadable, tiny, blurred, duplicated, leaked, mislabelled, drifted).</summary>
    DataAudit = 7,
}
