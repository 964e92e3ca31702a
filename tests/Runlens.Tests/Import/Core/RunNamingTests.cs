using Runlens.Import.Core;

namespace Runlens.Tests.Import.Core;

/// <summary>Runs read from one file are named so that files many runs share do not all give the same name.</summary>
public sealed class RunNamingTests
{
    [Theory]
    [InlineData("exp-a/model_history.json", "exp-a")]
    [InlineData("exp-b/history.json", "exp-b")]
    [InlineData("run7/training.log", "run7")]
    [InlineData("out/trainer_log.jsonl", "out")]
    [InlineData("sweep-3/metrics.csv", "sweep-3")]
    [InlineData("logs/bert_large_lr3e-5.csv", "bert_large_lr3e-5")]
    [InlineData("logs/log.csv", "log")]
    public void A_shared_file_name_takes_its_folders_name(string relative, string name) =>
        Assert.Equal(name, RunNaming.ForFile(Path.Combine(Path.GetTempPath(), "x", relative)));
}
