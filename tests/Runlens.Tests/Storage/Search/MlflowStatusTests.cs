using Runlens.Model;
using Runlens.Storage.Search;

namespace Runlens.Tests.Storage.Search;

public sealed class MlflowStatusTests
{
    [Theory]
    [InlineData(RunStatus.Running, "RUNNING")]
    [InlineData(RunStatus.Finished, "FINISHED")]
    [InlineData(RunStatus.Failed, "FAILED")]
    [InlineData(RunStatus.Killed, "KILLED")]
    [InlineData(RunStatus.Unknown, "SCHEDULED")]
    public void Every_status_has_its_MLflow_name_and_reads_back(RunStatus status, string name)
    {
        Assert.Equal(name, MlflowStatus.Name(status));
        Assert.True(MlflowStatus.TryParse(name, out var parsed));
        Assert.Equal(status, parsed);
    }

    [Theory]
    [InlineData("finished")]
    [InlineData("Running")]
    [InlineData("UNKNOWN")]
    [InlineData("")]
    [InlineData(" FINISHED")]
    public void Names_are_case_sensitive_and_unknown_names_are_refused(string text) =>
        Assert.False(MlflowStatus.TryParse(text, out _));

    [Fact]
    public void An_undefined_status_value_has_no_name() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MlflowStatus.Name((RunStatus)42));
}
