namespace Runlens.Import.HfTrainer;

/// <summary>How one worker's pass over a part of <c>log_history</c> ended.</summary>
internal enum HfChunkOutcome
{
    /// <summary>It reached the next worker's first entry exactly: the two parts join.</summary>
    Joined,

    /// <summary>It read the array's closing bracket.</summary>
    Ended,

    /// <summary>It stepped over the next worker's guessed start: that guess was not an entry boundary.</summary>
    Mismatch,

    /// <summary>Something the fast reader leaves to the one-pass reader (damage, a nested value, a non-object entry).</summary>
    Bail,
}
