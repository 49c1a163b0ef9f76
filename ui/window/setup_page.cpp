#include "ui/window/setup_page.h"

#include "core/request/model_layout.h"
#include "ui/model_setup.h"
#include "ui/string_convert.h"

#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace lightning::ui {

SetupPage::SetupPage(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("welcomePage"));
    problems_ = new QLabel(this);
    problems_->setObjectName(QStringLiteral("welcomeProblems"));
    problems_->setWordWrap(true);
    problems_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* help = new QTextBrowser(this);
    help->setObjectName(QStringLiteral("welcomeText"));
    help->setOpenExternalLinks(true);
    help->setHtml(model_download_help_html());
    auto* settings = new QPushButton(tr("Open Settings…"), this);
    settings->setObjectName(QStringLiteral("welcomeSettingsButton"));
    connect(settings, &QPushButton::clicked, this, &SetupPage::settingsRequested);
    auto* search = new QPushButton(tr("Search again"), this);
    search->setObjectName(QStringLiteral("welcomeSearchButton"));
    search->setToolTip(
        tr("Look in the Hugging Face cache (%1) again")
            .arg(QDir::toNativeSeparators(to_qstring(lightning::default_hf_hub_dir()))));
    connect(search, &QPushButton::clicked, this, &SetupPage::searchRequested);
    auto* download = new QPushButton(tr("Download models…"), this);
    download->setObjectName(QStringLiteral("welcomeDownloadButton"));
    connect(download, &QPushButton::clicked, this, &SetupPage::downloadRequested);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(download);
    buttons->addWidget(settings);
    buttons->addWidget(search);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(problems_);
    layout->addWidget(help, 1);
    layout->addLayout(buttons);
}

void SetupPage::set_problems(const QStringList& problems) {
    QStringList lines;
    for (const QString& problem : problems) lines << problem.toHtmlEscaped();
    problems_->setText(
        QStringLiteral("<b>%1</b><br><span style='color:#b02020'>✘ %2</span>")
            .arg(tr("The model setup is not complete:"), lines.join(QStringLiteral("<br>✘ "))));
}

}  // namespace lightning::ui
