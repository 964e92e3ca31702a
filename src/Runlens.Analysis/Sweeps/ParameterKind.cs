namespace Runlens.Analysis.Sweeps;

/// <summary>How a hyperparameter is treated.</summary>
public enum ParameterKind
{
    /// <summary>Every run that sets it sets a number: Spearman correlation, and the number itself in the forest.</summary>
    Numeric,

    /// <summary>Strings, booleans or a mix: levels, one ordinal code per level in the forest, finding rates per level.</summary>
    Categorical,
}
