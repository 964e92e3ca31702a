namespace Runlens.Model;

public enum RunStatus
{
    Unknown = 0,
    Running,
    Finished,
    Failed,
    Killed,
}
