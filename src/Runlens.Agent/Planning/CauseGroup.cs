namespace Runlens.Agent.Planning;

/// <summary>The root causes the rule-based planner answers with a change of configuration, by the kind of change.</summary>
internal enum CauseGroup
{
    /// <summary>No configuration change answers it.</summary>
    None,

    /// <summary>The optimisation is unstable: a lower learning rate.</summary>
    Unstable,

    /// <summary>The model has not learned enough: a higher learning rate, more epochs, more capacity.</summary>
    NotLearning,

    /// <summary>Training went on past its best point: regularisation.</summary>
    PastBest,
}
