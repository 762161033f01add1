//! Recording new proposals, all of a batch or none, each with its first event and an outbox row
//! asking for screening ([`crate::store::submitted`]), and acknowledging each only once it is
//! durable.
//!
//! On PostgreSQL a proposal is one statement, run at once. On SQLite every commit waits for its
//! fsync (`synchronous=FULL`, so that an acknowledged idea survives a power cut), and the file
//! has one writer: so one writer task records them in groups. While a group commits, the next
//! gathers; each submission in a group has a savepoint of its own (one refused, a retry of a
//! submission already recorded say, leaves the others in), the group has one commit and one
//! fsync, and each submitter hears back after that commit. Durability is unchanged; the number of
//! fsyncs falls with the load.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, TransactionTrait};
use tokio::sync::{mpsc, oneshot};

use crate::domain::proposals::{Proposal, new_reference};
use crate::store;
use crate::store::proposals::EventActor;

/// The most submissions one commit takes.
const GROUP: usize = 256;

/// Records new proposals: on SQLite through the one writer task, on PostgreSQL directly.
#[derive(Clone)]
pub struct Recorder {
    writer: Option<mpsc::Sender<Job>>,
}

struct Job {
    proposals: Vec<Proposal>,
    actor: EventActor,
    done: oneshot::Sender<Result<Vec<Proposal>, DbErr>>,
}

impl Recorder {
    /// The recorder for `db`; on SQLite, starts its writer task (on the current runtime).
    pub fn new(db: &DatabaseConnection) -> Recorder {
        if db.get_database_backend() != DbBackend::Sqlite {
            return Recorder { writer: None };
        }
        let (sender, jobs) = mpsc::channel(4 * GROUP);
        tokio::spawn(write_groups(db.clone(), jobs));
        Recorder {
            writer: Some(sender),
        }
    }

    /// Records `proposals`, all or none; answers them as recorded (a reference found taken is
    /// drawn again).
    pub async fn record(
        &self,
        db: &DatabaseConnection,
        mut proposals: Vec<Proposal>,
        actor: EventActor,
    ) -> Result<Vec<Proposal>, DbErr> {
        if let Some(writer) = &self.writer {
            let (done, answer) = oneshot::channel();
            let job = Job {
                proposals,
                actor,
                done,
            };
            match writer.send(job).await {
                Ok(()) => {
                    return answer.await.unwrap_or_else(|_| {
                        Err(DbErr::Custom("the writer stopped before answering".into()))
                    });
                }
                // The writer is gone (shutting down): record directly.
                Err(mpsc::error::SendError(job)) => proposals = job.proposals,
            }
        }
        if let [proposal] = proposals.as_mut_slice() {
            write(db, proposal, actor).await?;
            return Ok(proposals);
        }
        let transaction = db.begin().await?;
        for proposal in &mut proposals {
            write(&transaction, proposal, actor).await?;
        }
        transaction.commit().await?;
        Ok(proposals)
    }
}

/// Writes one proposal, drawing its reference again while the one it has is taken.
async fn write(
    db: &impl ConnectionTrait,
    proposal: &mut Proposal,
    actor: EventActor,
) -> Result<(), DbErr> {
    use chrono::Datelike as _;
    for _ in 0..16 {
        if store::submitted::insert(db, proposal, actor).await? {
            return Ok(());
        }
        let year = crate::clock::local_date(proposal.created_at).year();
        proposal.reference = Some(new_reference(year, &mut rand::rng()));
    }
    Err(DbErr::Custom("no free tracking reference".into()))
}

/// The writer task: takes whatever waits (up to [`GROUP`]), records it in one transaction,
/// answers, and takes again.
async fn write_groups(db: DatabaseConnection, mut jobs: mpsc::Receiver<Job>) {
    let mut group = Vec::with_capacity(GROUP);
    while jobs.recv_many(&mut group, GROUP).await > 0 {
        write_group(&db, std::mem::take(&mut group)).await;
    }
}

async fn write_group(db: &DatabaseConnection, group: Vec<Job>) {
    let transaction = match db.begin().await {
        Ok(transaction) => transaction,
        Err(error) => return refuse_all(group, &error),
    };
    let mut written = Vec::with_capacity(group.len());
    for mut job in group {
        let outcome = match transaction.begin().await {
            Ok(savepoint) => {
                let mut outcome = Ok(());
                for proposal in &mut job.proposals {
                    outcome = write(&savepoint, proposal, job.actor).await;
                    if outcome.is_err() {
                        break;
                    }
                }
                match outcome {
                    Ok(()) => savepoint.commit().await,
                    Err(error) => {
                        let _ = savepoint.rollback().await;
                        Err(error)
                    }
                }
            }
            Err(error) => Err(error),
        };
        written.push((job, outcome));
    }
    let committed = transaction.commit().await;
    for (job, outcome) in written {
        let answer = match (&committed, outcome) {
            (Ok(()), Ok(())) => Ok(job.proposals),
            (Ok(()), Err(error)) => Err(error),
            (Err(error), _) => Err(DbErr::Custom(format!("the group's commit failed: {error}"))),
        };
        let _ = job.done.send(answer);
    }
}

fn refuse_all(group: Vec<Job>, error: &DbErr) {
    for job in group {
        let _ = job
            .done
            .send(Err(DbErr::Custom(format!("could not begin: {error}"))));
    }
}
