namespace Runlens.Agent.Planning;

/// <summary>What a planner decides after an experiment (seed 003 §4.2).</summary>
public enum PlanAction
{
    /// <summary>Run the next configuration.</summary>
    Refine,

    /// <summary>The goal is reached: stop.</summary>
    GoalAchieved,

    /// <summary>Nothing worth trying is left: stop.</summary>
    Stop,
}
