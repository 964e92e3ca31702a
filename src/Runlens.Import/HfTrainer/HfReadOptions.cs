namespace Runlens.Import.HfTrainer;

/// <summary>How <see cref="HfStateFileReader"/> cuts a large <c>trainer_state.json</c>; tests use small values to cut
/// small files into many parts.</summary>
internal sealed record HfReadOptions(long ParallelFromBytes, int Parts, long MinPartBytes, int BufferBytes)
{
    public static HfReadOptions Default { get; } = new(HfStateFileReader.ParallelFromBytes, Environment.ProcessorCount, 4 << 20, 1 << 20);
}
