using Runlens.Model;

namespace Runlens.Storage.Search;

/// <summary>MLflow's names for run statuses (<c>RunStatus</c> in MLflow's protos); a Runlens status whose run has not
/// started yet is MLflow's <c>SCHEDULED</c>.</summary>
public static class MlflowStatus
{
    public static string Name(RunStatus status) => status switch
    {
        RunStatus.Running => "RUNNING",
        RunStatus.Finished => "FINISHED",
        RunStatus.Failed => "FAILED",
        RunStatus.Killed => "KILLED",
        RunStatus.Unknown => "SCHEDULED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a run status."),
    };

    /// <summary>Reads an MLflow status name; case-sensitive, as MLflow is.</summary>
    public static bool TryParse(string text, out RunStatus status)
    {
        switch (text)
        {
            case "RUNNING":
                status = RunStatus.Running;
                return true;
            case "SCHEDULED":
                status = RunStatus.Unknown;
                return true;
            case "FINISHED":
                status = RunStatus.Finished;
                return true;
            case "FAILED":
                status = RunStatus.Failed;
                return true;
            case "KILLED":
                status = RunStatus.Killed;
                return true;
            default:
                status = RunStatus.Unknown;
                return false;
        }
    }
}
