import { Command, CommanderError, Option } from "commander";
import { Exit } from "./exit-codes.js";

/**
 * The `kitbash` command. Each action imports its module on demand so that
 * `kitbash --help` loads nothing but commander.
 */
export function buildProgram(): Command {
  const program = new Command("kitbash")
    .description("A Kubernetes-compatible control plane and node agent, assembled from plugins by a profile")
    .version(process.env.npm_package_version ?? "0.1.0", "--version")
    .showHelpAfterError()
    .exitOverride();

  const profileOpt = () => new Option("-p, --profile <name|path>", "built-in profile name or profile file (default: kitbash.yaml lookup, then single-node)");
  const setOpt = () => new Option("--set <path=value>", "override a field of the resolved profile (repeatable)").argParser(collect).default([]);

  const profile = program.command("profile").description("validate and inspect profiles");
  profile
    .command("validate")
    .description("check a profile: schema, plugin names and args, wiring; exits 2 with file:line:column on a problem")
    .argument("[path]", "profile file or built-in name")
    .addOption(profileOpt())
    .addOption(setOpt())
    .action(async (path: string | undefined, opts) => run(import("./commands/profile-validate.js"), { ...opts, profile: path ?? opts.profile }));
  profile
    .command("show")
    .description("print the merged profile; --resolved adds defaults and every point's plugins in order")
    .addOption(profileOpt())
    .addOption(setOpt())
    .option("--resolved", "print the plan: defaults applied, every extension point listed", false)
    .addOption(new Option("-o, --output <format>", "output format").choices(["yaml", "json"]).default("yaml"))
    .action(async (opts) => run(import("./commands/profile-show.js"), opts));

  const plugins = program.command("plugins").description("inspect registered plugins");
  plugins
    .command("list")
    .description("list plugins, with the points they serve")
    .option("--point <id>", "only plugins serving this extension point (e.g. apiserver.storage)")
    .addOption(profileOpt().default(undefined, "none: built-ins only"))
    .action(async (opts) => run(import("./commands/plugins-list.js"), opts));
  plugins
    .command("describe")
    .description("show a plugin's points, args schema and defaults")
    .argument("<name>", "plugin name")
    .addOption(profileOpt().default(undefined, "none: built-ins only"))
    .action(async (name: string, opts) => run(import("./commands/plugins-describe.js"), { ...opts, name }));

  program
    .command("plugin")
    .description("author plugins")
    .command("new")
    .description("scaffold a third-party plugin package that builds and passes its own test")
    .argument("<name>", "package name, e.g. acme-filter")
    .option("--dir <dir>", "where to create it (default: ./<name>)")
    .option("--point <id>", "the extension point the plugin serves", "apiserver.admission")
    .action(async (name: string, opts) => run(import("./commands/plugin-new.js"), { ...opts, name }));

  program
    .command("up")
    .description("start the components the profile enables, on this machine")
    .addOption(profileOpt())
    .addOption(setOpt())
    .option("--data-dir <dir>", "folder for all cluster state (default: the profile's dataDir, else ./.kitbash)")
    .option("--port <port>", "API server port (0 picks a free one)")
    .action(async (opts) => run(import("./commands/up.js"), opts));

  program
    .command("apiserver")
    .description("run only the API server of the profile")
    .addOption(profileOpt())
    .addOption(setOpt())
    .option("--data-dir <dir>", "folder for all cluster state")
    .option("--port <port>", "API server port (0 picks a free one)")
    .action(async (opts) => run(import("./commands/up.js"), { ...opts, only: ["apiserver"] }));

  program
    .command("controller-manager")
    .description("run only the controller manager of the profile, against the API server a kubeconfig names")
    .addOption(profileOpt())
    .addOption(setOpt())
    .option("--data-dir <dir>", "folder for cluster state; without --kubeconfig, the API server of this data dir is joined")
    .option("--kubeconfig <path>", "kubeconfig of the API server to work against")
    .option("--controllers <list>", "comma-separated, as upstream: * for the defaults, name to add one, -name to leave one out")
    .option("--port <port>", "serve /healthz and /metrics over HTTP on this port (0 picks a free one)")
    .action(async (opts) => run(import("./commands/controller-manager.js"), opts));

  program
    .command("scheduler")
    .description("run only the scheduler of the profile, against the API server a kubeconfig names")
    .addOption(profileOpt())
    .addOption(setOpt())
    .option("--data-dir <dir>", "folder for cluster state; without --kubeconfig, the API server of this data dir is joined")
    .option("--kubeconfig <path>", "kubeconfig of the API server to work against")
    .option("--port <port>", "serve /healthz and /metrics over HTTP on this port (0 picks a free one)")
    .action(async (opts) => run(import("./commands/scheduler.js"), opts));

  program
    .command("node")
    .description("run only the node agents of the profile (a kubelet, or simulated nodes), against the API server a kubeconfig names")
    .addOption(profileOpt())
    .addOption(setOpt())
    .option("--data-dir <dir>", "folder for node state; without --kubeconfig, the API server of this data dir is joined")
    .option("--kubeconfig <path>", "kubeconfig of the API server to work against")
    .action(async (opts) => run(import("./commands/node.js"), opts));

  program
    .command("proxy")
    .description("run only the service proxy of the profile (its KubeProxyConfiguration's mode), against the API server a kubeconfig names")
    .addOption(profileOpt())
    .addOption(setOpt())
    .option("--data-dir <dir>", "folder for cluster state; without --kubeconfig, the API server of this data dir is joined")
    .option("--kubeconfig <path>", "kubeconfig of the API server to work against")
    .action(async (opts) => run(import("./commands/proxy.js"), opts));

  program
    .command("runtime")
    .description("run only the embedded container runtime (a CRI server on a unix socket) of the profile")
    .addOption(profileOpt())
    .addOption(setOpt())
    .option("--data-dir <dir>", "folder for the runtime's images, containers and socket")
    .action(async (opts) => run(import("./commands/up.js"), { ...opts, only: ["runtime"] }));

  const images = program.command("images").description("the embedded runtime's local image store");
  images
    .command("import")
    .description("import an OCI image layout or docker save archive (tar, optionally gzip) into the store")
    .argument("<file>", "the archive")
    .addOption(profileOpt())
    .addOption(setOpt())
    .option("--data-dir <dir>", "folder holding the runtime's data")
    .action(async (file: string, opts) => run(import("./commands/images.js"), { ...opts, action: "import", file }));
  images
    .command("list")
    .description("list the images in the store")
    .addOption(profileOpt())
    .addOption(setOpt())
    .option("--data-dir <dir>", "folder holding the runtime's data")
    .action(async (opts) => run(import("./commands/images.js"), { ...opts, action: "list" }));

  const token = program.command("token").description("bootstrap tokens for joining nodes");
  token
    .command("create")
    .description("create a bootstrap token (a Secret in kube-system) and print it, for kitbash node join")
    .addOption(profileOpt())
    .addOption(setOpt())
    .option("--data-dir <dir>", "the cluster's data dir, whose admin kubeconfig is used")
    .option("--kubeconfig <path>", "kubeconfig to create the token with")
    .option("--ttl <duration>", "how long the token is valid (0 never expires)", "24h")
    .option("--description <text>", "a note stored with the token")
    .option("--groups <list>", "extra groups the token authenticates as", "system:bootstrappers:kubeadm:default-node-token")
    .action(async (opts) => run(import("./commands/token-create.js"), opts));

  program
    .command("backup")
    .description("write every object of the profile's storage, at one revision, to a backup file (any backend)")
    .requiredOption("--out <file>", "the backup file to write")
    .addOption(profileOpt())
    .addOption(setOpt())
    .option("--data-dir <dir>", "folder for all cluster state")
    .action(async (opts) => run(import("./commands/backup.js"), opts));

  program
    .command("restore")
    .description("load a backup file into the profile's storage, which must be empty (any backend)")
    .argument("<file>", "a file written by kitbash backup")
    .addOption(profileOpt())
    .addOption(setOpt())
    .option("--data-dir <dir>", "folder for all cluster state")
    .action(async (file: string, opts) => run(import("./commands/restore.js"), { ...opts, file }));

  return program;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface CommandModule {
  default(opts: Record<string, unknown>): Promise<number>;
}

async function run(mod: Promise<CommandModule>, opts: Record<string, unknown>): Promise<void> {
  const code = await (await mod).default(opts);
  if (code !== Exit.ok) process.exitCode = code;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : Exit.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return Exit.ok;
      return Exit.usage;
    }
    const { reportError } = await import("./errors.js");
    return reportError(err);
  }
}
