//! The `tongsheng` command: `serve` (the default) binds the server's address; `check-config`,
//! `migrate`, `admin`, `roster`, `retention` and `export-schema` open only what they need and
//! work beside running servers.

// The GraphQL root is deep: optimised builds need more room to lay out its futures.
#![recursion_limit = "256"]

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use migrations::{Migrator, MigratorTrait};
use std::path::PathBuf;
use std::process::ExitCode;

use tongsheng::config::Config;
use tongsheng::startup::{self, Application, Signals};
use tongsheng::{graphql, services, store, telemetry};

#[derive(Parser)]
#[command(
    name = "tongsheng",
    version,
    about = "童声: children's proposals to the people who run their city"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve,
    /// Check the configuration in the environment (in production: secrets present and strong)
    /// without touching the database; exits non-zero on a problem.
    CheckConfig,
    /// Apply pending migrations, or roll back, or show their status.
    Migrate {
        #[command(subcommand)]
        direction: Option<MigrateCommand>,
    },
    /// Administration: accounts made outside the API.
    Admin {
        #[command(subcommand)]
        action: AdminCommand,
    },
    /// Class rosters.
    Roster {
        #[command(subcommand)]
        action: RosterCommand,
    },
    /// Retention: erase the children past the retention period (`RETENTION_DAYS`).
    Retention {
        #[command(subcommand)]
        action: RetentionCommand,
    },
    /// Process one image from standard input (the server runs this, isolated).
    #[command(hide = true)]
    MediaWorker,
    /// Write the GraphQL schema, sorted, to a file (default `schema/schema.graphql`), or `-` for stdout.
    ExportSchema {
        #[arg(long, default_value = "schema/schema.graphql")]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a district coordinator. Asks for the password (or reads one line from standard
    /// input when it is not a terminal).
    CreateCoordinator {
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand)]
enum RosterCommand {
    /// Enrol every child in a CSV or XLSX roster into a class, all or none, and print each
    /// child's PIN (shown this once). The first row names the columns: 昵称, 出生年份, 出生月份.
    Import {
        file: PathBuf,
        /// The class's id.
        #[arg(long = "class")]
        class: String,
    },
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Erase every child who left the school (or whose class's school year ended) more than
    /// the retention period ago. Running it twice erases nothing the second time.
    Run {
        /// List who would be erased, erase no one.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum MigrateCommand {
    /// Apply every pending migration (the default).
    Up,
    /// Roll back the last `steps` migrations.
    Down {
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List applied and pending migrations.
    Status,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(cli.command, Some(Command::MediaWorker)) {
        // No runtime, no logging, no configuration: one image in, one answer out.
        return ExitCode::from(tongsheng::media::worker::serve_stdio() as u8);
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("tongsheng: {error}");
            return ExitCode::FAILURE;
        }
    };
    telemetry::init(&config);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("tongsheng: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "tongsheng failed");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            let graphiql = !config.is_production();
            let signals = Signals::install().context("listening for signals")?;
            let app = Application::build(config).await?;
            if tongsheng::demo::wanted(&app.state().config)
                && let Some(sheet) = tongsheng::demo::load_if_new(app.state()).await?
            {
                println!("{sheet}");
            }
            if graphiql {
                tracing::info!("GraphiQL: http://{}/graphql", app.local_addr()?);
            }
            tokio::spawn(signals.cancel_on_signal(app.shutdown_token()));
            app.run().await
        }
        Command::CheckConfig => {
            startup::check(&config)?;
            println!("the configuration is fine");
            Ok(())
        }
        Command::Migrate { direction } => {
            startup::check(&config)?;
            let db = store::connect(&config).await?;
            match direction.unwrap_or(MigrateCommand::Up) {
                MigrateCommand::Up => store::migrate(&db).await?,
                MigrateCommand::Down { steps } => Migrator::down(&db, Some(steps))
                    .await
                    .context("rolling back")?,
                MigrateCommand::Status => {
                    for migration in Migrator::get_migration_with_status(&db).await? {
                        println!("{:?}\t{}", migration.status(), migration.name());
                    }
                }
            }
            Ok(())
        }
        Command::Admin {
            action: AdminCommand::CreateCoordinator { username },
        } => {
            let password = read_new_password()?;
            let state = startup::open(config).await?;
            match services::people::bootstrap_coordinator(&state, &username, &password).await {
                Ok(member) => {
                    println!("coordinator {} created", member.username.as_str());
                    Ok(())
                }
                Err(error) => anyhow::bail!("{}", error.public_message()),
            }
        }
        Command::Roster {
            action: RosterCommand::Import { file, class },
        } => import_roster(config, &file, &class).await,
        Command::Retention {
            action: RetentionCommand::Run { dry_run },
        } => {
            let state = startup::open(config).await?;
            let children = services::privacy::retention_run(&state, dry_run)
                .await
                .map_err(|error| anyhow::anyhow!("{}", error.public_message()))?;
            let verb = if dry_run { "would erase" } else { "erased" };
            println!("{verb} {} children", children.len());
            for child in children {
                println!("{child}");
            }
            Ok(())
        }
        Command::MediaWorker => Ok(()),
        Command::ExportSchema { out } => {
            let sdl = graphql::sdl();
            if out.as_os_str() == "-" {
                print!("{sdl}");
            } else {
                std::fs::write(&out, sdl).with_context(|| format!("writing {}", out.display()))?;
                tracing::info!(path = %out.display(), "schema written");
            }
            Ok(())
        }
    }
}

/// A new password: typed twice, hidden, at a terminal; one line of standard input otherwise.
fn read_new_password() -> anyhow::Result<String> {
    use std::io::IsTerminal as _;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Again: ")?;
        anyhow::ensure!(first == second, "the passwords differ");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\n', '\r']).to_owned())
    }
}

async fn import_roster(config: Config, file: &std::path::Path, class: &str) -> anyhow::Result<()> {
    use tongsheng::domain::ids::ClassId;
    use tongsheng::roster_files::RosterFormat;
    use tongsheng::services::enrolment::ClassRoster;

    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let format = if bytes.starts_with(b"PK") {
        RosterFormat::Xlsx
    } else {
        RosterFormat::Csv
    };
    let class = ClassId::parse(class).context("--class takes a class id (a UUID)")?;
    let state = startup::open(config).await?;
    let roster = match ClassRoster::for_operator(&state, class).await {
        Ok(roster) => roster,
        Err(_) => anyhow::bail!("no class with id {class}"),
    };
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message("enrolling");
    let rows = tongsheng::roster_files::read_table(format, &bytes)
        .map(|table| table.len().saturating_sub(1) as u64)
        .unwrap_or(0);
    bar.set_length(rows);
    let result =
        services::enrolment::import_roster(&state, &roster, format, &bytes, &|| bar.inc(1)).await;
    bar.finish_and_clear();
    match result {
        Ok(enrolled) => {
            println!(
                "{} children enrolled in class {}. Their PINs, shown this once:",
                enrolled.len(),
                roster.class().code.as_str()
            );
            for (child, pin) in enrolled {
                println!("{}\t{}", child.pseudonym.as_str(), pin.reveal());
            }
            Ok(())
        }
        Err(error) => {
            eprintln!("nothing was imported: {}", error.public_message());
            if let tongsheng::error::AppError::Validation(fields) = &error {
                for field in fields {
                    eprintln!("  {}: {}", field.path.join(" "), field.message);
                }
            }
            anyhow::bail!("the roster was refused")
        }
    }
}
